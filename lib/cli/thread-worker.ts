// A worker thread of a run (see threads.ts): takes the run the main thread loaded (or loads the
// playbooks and inventory again when they cannot travel as data), runs the engine on its slice
// of the hosts, and posts the events to the main thread.
import { deserialize } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { preflight } from '../engine/plan.js';
import { runPlaybooks } from '../engine/run.js';
import type { RunEvent } from '../engine/events.js';
import type { RunCoordinator } from '../engine/options.js';
import { defaultRegistry } from '../modules/index.js';
import type { KeyChoice } from '../transport/keys.js';
import { shareHandshakeCounters } from '../transport/ssh.js';
import { redact } from '../vault/redact.js';
import { setVaultSecrets } from '../vault/secrets.js';
import { parseShard } from '../engine/shard.js';
import { loadPlaybooks, planApply, runOptions } from './apply.js';
import { settleSession } from './session.js';
import { THREAD_WINDOW, type FromThread, type SharedRun, type ThreadStart, type ToThread } from './threads.js';
import type { ThreadMark } from './thread-order.js';
import { applyPromptAnswers } from './vars-prompt.js';

const port = parentPort!;
const start = workerData as ThreadStart;

/** Structured clone hands Buffers over as Uint8Arrays. */
const buffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const post = (message: FromThread) => port.postMessage(message);

/**
 * Events go in batches: one message per turn of the event loop rather than one per event, with
 * the points the thread reached among them (RunCoordinator.at).
 */
let queued: RunEvent[] = [];
let marks: ThreadMark[] = [];
let flushing = false;
/**
 * A thread that runs tasks without a turn of its event loop (controller-only tasks) posts
 * anyway after this many points or events: the main thread orders them while this one goes on.
 */
const FLUSH_POINTS = THREAD_WINDOW / 4;
const FLUSH_EVENTS = 2000;
function flush(): void {
  flushing = false;
  if (queued.length === 0 && marks.length === 0) return;
  const events = queued;
  const cuts = marks;
  queued = [];
  marks = [];
  try {
    post({ kind: 'events', events, marks: cuts });
  } catch {
    // A value structured clone refuses (a function in a module's result): as JSON, what --output json shows.
    post({ kind: 'events', events: JSON.parse(JSON.stringify(events)) as RunEvent[], marks: cuts });
  }
}
function flushSoon(): void {
  if (flushing) return;
  flushing = true;
  setImmediate(flush);
}
/** The engine's own recap: its counts go to the main thread with 'done'. */
let transport: Extract<RunEvent, { type: 'recap' }>['transport'] = {};
function emit(event: RunEvent): void {
  if (event.type === 'recap') {
    transport = event.transport;
    return;
  }
  if (event.type === 'task_start' && !start.taskStarts) return;
  // Values from a vault never leave the thread that decrypted them.
  queued.push(redact(event));
  if (queued.length >= FLUSH_EVENTS) flush();
  else flushSoon();
}

const abort = new AbortController();
let meeting: ((answer: boolean | undefined) => void) | undefined;
/** Points reached; those the main thread released are counted in start.released: at THREAD_WINDOW apart, the thread waits. */
let reached = 0;
let caughtUp: (() => void) | undefined;
port.on('message', (message: ToThread) => {
  if (message.kind === 'abort') abort.abort();
  else if (message.kind === 'go') {
    const resolve = meeting;
    meeting = undefined;
    resolve?.(message.answer);
  } else if (message.kind === 'caught-up') {
    const resolve = caughtUp;
    caughtUp = undefined;
    resolve?.();
  }
});
const coordinator: RunCoordinator = {
  meet(point, vote) {
    // A point like any other for the main thread's count of released points.
    reached++;
    // Every thread waits, whatever its vote: a batch's end is also where the next batch or play
    // may begin, and Ansible begins it on no host before the batch ended on every host.
    flush();
    return new Promise((resolve) => {
      meeting = resolve;
      post({ kind: 'meet', point, vote });
    });
  },
  at(point, order) {
    marks.push({ at: queued.length, point, ...(order === 'arrival' ? { arrival: true as const } : {}) });
    if (marks.length >= FLUSH_POINTS) flush();
    else flushSoon();
    if (++reached - Atomics.load(start.released, start.thread) < THREAD_WINDOW) return;
    // Far ahead of the slowest thread: wait until the main thread let out what it holds of ours.
    flush();
    return new Promise<void>((resolve) => {
      caughtUp = resolve;
      post({ kind: 'ahead' });
    });
  },
};

async function main(): Promise<void> {
  const { args, secrets } = start;
  shareHandshakeCounters(start.handshakes);
  setVaultSecrets(secrets.vaultSecrets.map((s) => ({ ...s, password: buffer(s.password) })));
  const privateKeys = new Map<string, KeyChoice>([...secrets.privateKeys].map(([file, key]) => [file, 'key' in key ? { ...key, key: buffer(key.key) } : key]));
  // The main thread already printed what loading says (notes, warnings): said once, not once per thread.
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  let prepared;
  try {
    const session = await settleSession(args, { becomePassword: secrets.becomePassword });
    const registry = defaultRegistry();
    const only = new Set(start.hosts);
    let run: SharedRun;
    if (start.run) {
      // As the main thread loaded and planned it: this thread's hosts picked, checked here (preflight).
      const shared = deserialize(new Uint8Array(start.run)) as SharedRun;
      const plan = shared.plan.map((p) => ({ ...p, hosts: p.hosts.filter((h) => only.has(h)) }));
      preflight(plan, shared.inventory, registry, shared.extraVars);
      run = { ...shared, plan };
    } else {
      const loaded = loadPlaybooks(args, session, registry);
      applyPromptAnswers(loaded.plays, secrets.promptAnswers);
      const shard = args.shard !== undefined ? parseShard(args.shard, args.shardBy) : undefined;
      run = { ...planApply(args, session, registry, loaded, shard, only), playbookFiles: loaded.playbookFiles };
    }
    prepared = { registry, options: runOptions(args, session, run) };
  } finally {
    process.stderr.write = write;
  }
  // Every thread checked its hosts (preflight) before any thread touches one.
  await coordinator.meet([-1]);
  const summary = await runPlaybooks({ ...prepared.options, forks: start.forks, signal: abort.signal, privateKeys, onEvent: emit, coordinator }, prepared.registry);
  flush();
  post({ kind: 'done', hosts: summary.hosts, transport });
}

main().catch((error: Error & { location?: unknown }) => {
  flush();
  post({ kind: 'failed', error: { name: error.name, message: error.message, stack: error.stack, location: error.location as never } });
});
