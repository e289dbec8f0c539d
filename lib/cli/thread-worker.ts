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
import type { FromThread, SharedRun, ThreadStart, ToThread } from './threads.js';
import { applyPromptAnswers } from './vars-prompt.js';

const port = parentPort!;
const start = workerData as ThreadStart;

/** Structured clone hands Buffers over as Uint8Arrays. */
const buffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const post = (message: FromThread) => port.postMessage(message);

/** Events go in batches: one message per turn of the event loop rather than one per event. */
let queued: RunEvent[] = [];
let flushing = false;
function flush(): void {
  flushing = false;
  if (queued.length === 0) return;
  const events = queued;
  queued = [];
  try {
    post({ kind: 'events', events });
  } catch {
    // A value structured clone refuses (a function in a module's result): as JSON, what --output json shows.
    post({ kind: 'events', events: JSON.parse(JSON.stringify(events)) as RunEvent[] });
  }
}
/** The engine's own recap: its counts go to the main thread with 'done'. */
let transport: Extract<RunEvent, { type: 'recap' }>['transport'] = {};
function emit(event: RunEvent): void {
  if (event.type === 'recap') {
    transport = event.transport;
    return;
  }
  // Values from a vault never leave the thread that decrypted them.
  queued.push(redact(event));
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
}

const abort = new AbortController();
let meeting: ((answer: boolean | undefined) => void) | undefined;
port.on('message', (message: ToThread) => {
  if (message.kind === 'abort') abort.abort();
  else if (message.kind === 'go') {
    const resolve = meeting;
    meeting = undefined;
    resolve?.(message.answer);
  }
});
const coordinator: RunCoordinator = {
  meet(point, vote) {
    flush();
    return new Promise((resolve) => {
      meeting = resolve;
      post({ kind: 'meet', point, vote });
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
