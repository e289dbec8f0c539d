import { InputError, type SourceLocation } from '../errors.js';
import type { HostRecap, RunEvent, RunEventListener, TransportCounters } from '../engine/events.js';
import { exitCodeFor } from '../engine/exit-code.js';
import type { RunOptions, RunSummary } from '../engine/options.js';
import type { KeyChoice } from '../transport/keys.js';
import { handshakeCounters, shareHandshakeCounters } from '../transport/ssh.js';
import { hasSecrets } from '../vault/redact.js';
import type { VaultSecret } from '../vault/secrets.js';
import type { PromptAnswer } from './vars-prompt.js';
import type { ApplyArgs } from './apply.js';
import { comparePoints, ThreadEventOrder, type ThreadMark } from './thread-order.js';
import { EventDecoder } from './thread-events.js';
import { THREAD_WINDOW, ThreadSide, type FromThread, type ToThread } from './thread-side.js';
import { lazyModule } from '../util/lazy-module.js';
import { preflight } from '../engine/plan.js';
import { runPlaybooks } from '../engine/run.js';
import type { ModuleRegistry } from '../modules/registry.js';

export { comparePoints } from './thread-order.js';

// worker_threads and v8 load only when a run starts threads (a one-thread run is most runs, and
// start-up is part of each).
const workerThreads = lazyModule<typeof import('node:worker_threads')>('node:worker_threads');
const v8 = lazyModule<typeof import('node:v8')>('node:v8');

/**
 * Worker threads: the hosts of a run spread over several threads, each running the engine on its
 * slice of the hosts (its connections, its hosts' tasks), as an in-process shard. The main thread
 * is one of them (--workers 2: the main thread and one worker thread, two busy threads rather than
 * an idle main thread and two workers, each worker an isolate that starts, compiles and collects
 * garbage on its own), with a smaller share, since it also orders and reports every thread's events. Only with --workers N (or RUNBOOK_WORKERS): within a
 * play, `strategy: linear`'s lock step then holds among one thread's hosts, not across threads
 * (README, Different on purpose), which a run must ask for. The threads run freely: they meet
 * only where a decision needs every host (the run's start: every thread checked its hosts; each
 * batch's end: did the playbook end for every host, and no host begins the next batch or play
 * before every host ended this one, as in Ansible), or when one is THREAD_WINDOW points ahead
 * of the slowest. The main thread owns the reporter, the recap and
 * the exit code, and puts the threads' events in the order one thread gives them
 * (thread-order.ts). Plays that need every host in one thread never get here (engine/shard.ts
 * singleThreadReason).
 */

export { THREAD_WINDOW, type FromThread, type ToThread } from './thread-side.js';

/** What the main thread asked for or read once: handed to the workers in memory, never by argv, env or disk. */
export interface ThreadSecrets {
  becomePassword?: string;
  vaultSecrets: VaultSecret[];
  privateKeys: Map<string, KeyChoice>;
  /** vars_prompt answers the main thread read: asked once, never again per thread. */
  promptAnswers: PromptAnswer[];
}

/** What the main thread loaded and planned, handed to every thread (its own hosts picked there). */
export interface SharedRun {
  inventory: RunOptions['inventory'];
  extraVars: RunOptions['extraVars'];
  plan: RunOptions['plan'];
  playbookFiles: string[];
}

/** What a worker thread is started with. */
export interface ThreadStart {
  args: ApplyArgs;
  hosts: string[];
  forks: number;
  secrets: ThreadSecrets;
  handshakes: SharedArrayBuffer;
  /**
   * The run as the main thread loaded it (v8-serialised SharedRun, written once and read by every
   * thread): unset when it cannot travel as data, and then the thread loads it again.
   */
  run?: SharedArrayBuffer;
  /** How many of each thread's points the main thread released (ThreadEventOrder.released), and this thread's index in it. */
  released: Int32Array;
  thread: number;
  /** Post task_start events: only the live terminal view shows them (half of all events). */
  taskStarts: boolean;
}

/**
 * Runs the plan's hosts over `threads` threads, the main thread one of them (the others worker
 * threads); the same events, recap and exit code as runPlaybooks. `forward` gets the threads'
 * events (redacted there); `options.onEvent` the run's own.
 */
export async function runInThreads(options: RunOptions, threaded: { args: ApplyArgs; threads: number; secrets: ThreadSecrets; forward: RunEventListener; taskStarts: boolean; registry: ModuleRegistry; pool?: ThreadPool }): Promise<RunSummary> {
  const startedAt = Date.now();
  const { plan } = options;
  const allHosts = [...new Set(plan.flatMap((p) => p.hosts))];
  const slices = splitHosts(allHosts, threadWeights(threaded.threads));

  const handshakes = handshakeCounters();
  // Forks are hosts worked on at once across the run: shared out between the threads.
  const forks = Math.max(1, Math.floor(options.forks / threaded.threads));
  // Plain data only: yargs' argv also holds its own bookkeeping keys.
  const args = JSON.parse(JSON.stringify(threaded.args)) as ApplyArgs;
  const run = sharedRun(options);
  if (typeof run === 'string' && (options.verbosity ?? 0) >= 1) process.stderr.write(`runbook: each worker thread loads the playbooks and inventory again: ${run}\n`);
  // The live view's events (task_start, progress) go as they come; the other reporters do not show task_start (threads do not post it) nor depend on when progress arrives.
  const order = new ThreadEventOrder(threaded.threads, plan, allHosts, threaded.forward, threaded.taskStarts ? new Set(['task_start', 'task_progress', 'task_retry']) : undefined);
  const workerData = (hosts: string[], thread: number): ThreadStart => ({ args, hosts, forks, secrets: threaded.secrets, handshakes, run: typeof run === 'string' ? undefined : run, released: order.released, thread, taskStarts: threaded.taskStarts });
  // Thread 0 is the main thread's own share; workers[t] is thread t's (workers[0] unused).
  const pool = threaded.pool ?? new ThreadPool(threaded.threads - 1);
  const workers = [undefined, ...pool.take(threaded.threads - 1)];
  workers.forEach((worker, thread) => worker?.postMessage({ kind: 'start', start: workerData(slices[thread], thread) } satisfies ToThread<ThreadStart>));
  // The main thread's share stops with the run, or when a thread failed (the workers are ended then).
  const stopMain = new AbortController();
  const abort = () => {
    stopMain.abort();
    for (const worker of workers) worker?.postMessage({ kind: 'abort' } satisfies ToThread);
  };
  options.signal?.addEventListener('abort', abort, { once: true });
  if (options.signal?.aborted) abort();

  const meeting = new Meeting(threaded.threads);
  const hosts: Record<string, HostRecap> = {};
  const transport: Record<string, TransportCounters> = {};
  /** What the threads' coordination cost (at -vv): times a thread waited (to start, at a batch's end, far ahead), messages they posted. */
  const cost = { start: 0, batchEnd: 0, ahead: 0, messages: 0 };
  // [-1]: every thread checked its hosts; the run starts.
  meeting.onRelease = (point) => {
    if (point.length === 1 && point[0] === -1) options.onEvent({ type: 'run_start', hosts: allHosts, dryRun: options.dryRun, playbooks: options.playbookFiles, tasks: plan.reduce((n, p) => n + p.tasks.length, 0) });
  };
  /** Threads far ahead, waiting for the slowest one. */
  const ahead = new Set<number>();
  let fail: (error: Error) => void = () => undefined;
  let resolveAll: () => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    let failed = false;
    fail = (error: Error) => {
      if (failed) return;
      failed = true;
      stopMain.abort();
      main.stop();
      reject(error);
    };
    resolveAll = resolve;
  });
  // The main thread's share talks to this function directly, as a worker does through its port.
  const main = new ThreadSide((message) => hear(0, message), order.released, 0, threaded.taskStarts, true);
  const tell = (thread: number, message: ToThread) => (thread === 0 ? main.receive(message) : workers[thread]!.postMessage(message));
  const go = (released: Array<{ thread: number; answer?: boolean }>) => {
    for (const { thread, answer } of released) tell(thread, { kind: 'go', answer });
  };
  const catchUp = () => {
    for (const thread of ahead) {
      const held = order.heldPoints(thread);
      if (held > THREAD_WINDOW / 2) continue;
      ahead.delete(thread);
      tell(thread, { kind: 'caught-up' });
    }
  };
  const decoders = workers.map(() => new EventDecoder());
  function takeEvents(thread: number, all: RunEvent[], marks: ThreadMark[]): void {
    // Each thread runs its own engine: its run_start and recap are the main thread's to give.
    const events = all.filter((e) => e.type !== 'run_start' && e.type !== 'recap');
    order.take(thread, events, all.length === events.length ? marks : remark(all, marks));
    for (const mark of marks) go(meeting.pass(thread, mark.point));
    catchUp();
  }
  function hear(thread: number, message: FromThread): void {
    if (thread > 0) cost.messages++;
    switch (message.kind) {
      case 'encoded-events':
        return takeEvents(thread, decoders[thread].decode(message.batch), message.marks);
      case 'events':
        return takeEvents(thread, message.events, message.marks);
      case 'meet':
        if (message.point.length === 1) cost.start++;
        else cost.batchEnd++;
        order.take(thread, [], [{ at: 0, point: message.point }]);
        go(meeting.arrive(thread, message.point, message.vote));
        return catchUp();
      case 'ahead':
        cost.ahead++;
        ahead.add(thread);
        return catchUp();
      case 'done':
        Object.assign(hosts, message.hosts);
        Object.assign(transport, message.transport);
        order.leave(thread);
        go(meeting.leave(thread));
        catchUp();
        if (meeting.allLeft()) resolveAll();
        return;
      case 'failed':
        return fail(threadError(message.error));
    }
  }
  workers.forEach((worker, thread) => {
    if (!worker) return;
    worker.on('message', (message: FromThread) => hear(thread, message));
    pool.onEnd(worker, (error) => {
      if (!meeting.hasLeft(thread)) fail(error ?? new Error(`worker thread ${thread} exited before its hosts finished`));
    });
  });

  // Every host checked here while the workers take the run, as one thread checks them (the same
  // first error, file:line and host): a worker starting cold checked its share slower than this
  // thread checks all (PassedChecks makes most hosts' checks one lookup). Then the main thread's
  // share runs as a worker runs its own.
  const only = new Set(slices[0]);
  const mine = plan.map((p) => ({ ...p, hosts: p.hosts.filter((h) => only.has(h)) }));
  let ownShare: Promise<void> = Promise.resolve();
  try {
    ownShare = (async () => {
      try {
        preflight(plan, options.inventory, threaded.registry, options.extraVars);
        shareHandshakeCounters(handshakes);
        await main.coordinator.meet([-1]);
        const summary = await runPlaybooks({ ...options, plan: mine, forks, signal: stopMain.signal, onEvent: main.emit, coordinator: main.coordinator }, threaded.registry);
        main.flush();
        hear(0, { kind: 'done', hosts: summary.hosts, transport: main.transport });
      } catch (error) {
        fail(error as Error);
      }
    })();
    await Promise.all([finished, ownShare]);
  } finally {
    options.signal?.removeEventListener('abort', abort);
    await pool.close();
    // Stopped with the others: its connections closed before the run returns.
    await ownShare;
  }
  if ((options.verbosity ?? 0) >= 2) {
    const meetings = cost.start + cost.batchEnd + cost.ahead;
    process.stderr.write(`runbook: worker threads met ${meetings} times (${cost.start} to start, ${cost.batchEnd} at a batch's end, ${cost.ahead} far ahead) and posted ${cost.messages} messages\n`);
  }
  // The recap in the run's host order, as one thread gives it.
  const recap = Object.fromEntries(allHosts.filter((h) => hosts[h]).map((h) => [h, hosts[h]]));
  const counters = Object.fromEntries(allHosts.filter((h) => transport[h]).map((h) => [h, transport[h]]));
  options.onEvent({ type: 'recap', hosts: recap, transport: counters, durationMs: Date.now() - startedAt });
  return { hosts: recap, exitCode: exitCodeFor(recap) };
}

type Worker = import('node:worker_threads').Worker;

/**
 * Worker threads started before the run is loaded (--workers N): a thread's start (its isolate,
 * Node's bootstrap, the bundle from its code cache) then overlaps the main thread's loading of
 * the playbooks and inventory, rather than following it. Each waits, holding nothing, for its
 * 'start' message (ThreadStart: its hosts, the loaded run, the secrets). Unreferenced until
 * taken: a run that ends early (bad input, one thread after all) exits as if they were not there.
 */
export class ThreadPool {
  private readonly idle: Worker[] = [];
  private readonly taken: Worker[] = [];
  /** Each worker's end (an error, or its exit), kept until the run listens for it. */
  private readonly ends = new Map<Worker, WorkerEnd>();

  constructor(count: number) {
    for (let i = 0; i < count; i++) this.idle.push(this.started());
    for (const worker of this.idle) worker.unref();
  }

  /** `count` workers for the run, referenced from now on; those left over end. */
  take(count: number): Worker[] {
    const workers = this.idle.splice(0, count);
    for (const worker of workers) worker.ref();
    void Promise.all(this.idle.splice(0).map((worker) => worker.terminate()));
    while (workers.length < count) workers.push(this.started());
    this.taken.push(...workers);
    return workers;
  }

  /** Calls `listener` when the worker ends (at once if it already did), with its error if it failed. */
  onEnd(worker: Worker, listener: (error?: Error) => void): void {
    const end = this.ends.get(worker)!;
    if (end.ended) listener(end.error);
    else end.listener = listener;
  }

  /** Ends every worker. */
  async close(): Promise<void> {
    await Promise.all([...this.idle.splice(0), ...this.taken.splice(0)].map((worker) => worker.terminate()));
  }

  private started(): Worker {
    const { Worker } = workerThreads();
    const worker = new Worker(new URL('./thread-worker.js', import.meta.url));
    const end: WorkerEnd = { ended: false };
    this.ends.set(worker, end);
    worker.on('error', (error) => {
      end.error ??= error;
    });
    worker.on('exit', (code) => {
      end.ended = true;
      end.error ??= code === 0 ? undefined : new Error(`worker thread exited with code ${code}`);
      end.listener?.(end.error);
    });
    return worker;
  }
}

interface WorkerEnd {
  ended: boolean;
  error?: Error;
  listener?: (error?: Error) => void;
}

/**
 * How much of the run each thread takes, the main thread first: it also takes every thread's
 * events, orders them and writes the output (measured in README, Benchmark: worker threads).
 */
export function threadWeights(threads: number): number[] {
  return Array.from({ length: threads }, (_, t) => (t === 0 ? MAIN_THREAD_SHARE : 1));
}
/** The main thread's share of hosts, a worker's being 1: at 1,000 controller-only hosts the two threads then end together. */
const MAIN_THREAD_SHARE = 0.7;

/**
 * The hosts dealt out in the run's order, each to the thread furthest below its weight's share
 * (round robin when the weights are equal): every thread's hosts spread over the inventory.
 */
export function splitHosts(hosts: string[], weights: number[]): string[][] {
  const slices = weights.map(() => [] as string[]);
  for (const host of hosts) {
    let pick = 0;
    for (let t = 1; t < weights.length; t++) if ((slices[t].length + 1) / weights[t] < (slices[pick].length + 1) / weights[pick]) pick = t;
    slices[pick].push(host);
  }
  return slices;
}

/** The marks of a batch of events, moved to where they fall once the run_start and recap events are taken out. */
function remark(events: RunEvent[], marks: ThreadMark[]): ThreadMark[] {
  return marks.map((mark) => ({ ...mark, at: events.slice(0, mark.at).filter((e) => e.type !== 'run_start' && e.type !== 'recap').length }));
}

/**
 * The loaded run as one buffer every thread reads (a thread's start then costs no YAML parsing,
 * inventory building or planning), or why it cannot go as data: a loader's function (include_tasks),
 * an object of a class (a locked vault value), or vault values, which are marked secret by object
 * identity (vault/redact.ts) that a copy would lose.
 */
export function sharedRun(options: RunOptions): SharedArrayBuffer | string {
  if (hasSecrets()) return 'the run holds vault values or secret answers';
  const run: SharedRun = { inventory: options.inventory, extraVars: options.extraVars, plan: options.plan, playbookFiles: options.playbookFiles };
  const reason = notPlainData(run);
  if (reason) return reason;
  const { serialize } = v8();
  const bytes = serialize(run);
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  return shared;
}

/** What in `value` a structured clone would not give back as it is (a function, a class's object), or undefined. */
export function notPlainData(value: unknown, seen = new Set<object>(), path = 'run'): string | undefined {
  if (typeof value === 'function') return `${path} is a function`;
  if (typeof value === 'symbol') return `${path} is a symbol`;
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (value instanceof Map && proto === Map.prototype) {
    for (const [key, inner] of value) {
      const reason = notPlainData(key, seen, `${path} key`) ?? notPlainData(inner, seen, `${path}.get(${String(key)})`);
      if (reason) return reason;
    }
    return undefined;
  }
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return `${path} is a ${(value as object).constructor?.name ?? 'class'} object`;
  if (Object.getOwnPropertySymbols(value).length > 0) return `${path} has symbol keys`;
  for (const key of Object.getOwnPropertyNames(value)) {
    if (key === 'length' && Array.isArray(value)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if (!descriptor.enumerable || descriptor.get || descriptor.set) return `${path}.${key} is not a plain property`;
    const reason = notPlainData(descriptor.value, seen, `${path}.${key}`);
    if (reason) return reason;
  }
  return undefined;
}

/** A worker's failure, as the error one thread would have thrown (bad input keeps its file:line). */
function threadError(error: { name: string; message: string; stack?: string; location?: SourceLocation }): Error {
  if (error.name === 'InputError') {
    // The message already starts with the file:line.
    const input = new InputError(error.message);
    Object.defineProperty(input, 'location', { value: error.location });
    return input;
  }
  const out = new Error(error.message);
  out.stack = error.stack;
  return out;
}

/**
 * Where the threads are: each is running (past the last point it reached) or waiting at a point.
 * Threads waiting at the lowest point go on once no running thread is still before it; the
 * answer they get is the AND of the votes given there.
 */
export class Meeting {
  private readonly last: number[][];
  private readonly waiting: Array<{ point: number[]; vote?: boolean } | undefined>;
  private readonly left: boolean[];
  onRelease?: (point: number[]) => void;

  constructor(threads: number) {
    this.last = Array.from({ length: threads }, () => [-Infinity]);
    this.waiting = Array.from({ length: threads }, () => undefined);
    this.left = Array.from({ length: threads }, () => false);
  }

  arrive(thread: number, point: number[], vote?: boolean): Array<{ thread: number; answer?: boolean }> {
    this.last[thread] = point;
    this.waiting[thread] = { point, vote };
    return this.release();
  }

  /** The thread reached `point` and goes on without waiting. */
  pass(thread: number, point: number[]): Array<{ thread: number; answer?: boolean }> {
    this.last[thread] = point;
    return this.release();
  }

  /** The thread finished: it is past every point. */
  leave(thread: number): Array<{ thread: number; answer?: boolean }> {
    this.left[thread] = true;
    this.waiting[thread] = undefined;
    return this.release();
  }

  hasLeft(thread: number): boolean {
    return this.left[thread];
  }

  allLeft(): boolean {
    return this.left.every(Boolean);
  }

  private release(): Array<{ thread: number; answer?: boolean }> {
    const out: Array<{ thread: number; answer?: boolean }> = [];
    for (;;) {
      const waiting = this.waiting.flatMap((w, thread) => (w ? [{ thread, ...w }] : []));
      if (waiting.length === 0) return out;
      const lowest = waiting.reduce((low, w) => (comparePoints(w.point, low) < 0 ? w.point : low), waiting[0].point);
      const behind = this.last.some((last, thread) => !this.left[thread] && !this.waiting[thread] && comparePoints(last, lowest) < 0);
      if (behind) return out;
      const here = waiting.filter((w) => comparePoints(w.point, lowest) === 0);
      const votes = here.flatMap((w) => (w.vote === undefined ? [] : [w.vote]));
      const answer = votes.length === 0 ? undefined : votes.every(Boolean);
      this.onRelease?.(lowest);
      for (const w of here) {
        this.waiting[w.thread] = undefined;
        out.push({ thread: w.thread, answer });
      }
    }
  }
}
