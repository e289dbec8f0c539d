// A worker thread of a run (see threads.ts): takes the run the main thread loaded (or loads the
// playbooks and inventory again when they cannot travel as data), runs the engine on its slice
// of the hosts, and posts the events to the main thread.
import { deserialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { runPlaybooks } from '../engine/run.js';
import { defaultRegistry } from '../modules/index.js';
import type { KeyChoice } from '../transport/keys.js';
import { shareHandshakeCounters } from '../transport/ssh.js';
import { setVaultSecrets } from '../vault/secrets.js';
import { parseShard } from '../engine/shard.js';
import { loadPlaybooks, planApply, runOptions } from './apply.js';
import { settleSession } from './session.js';
import type { SharedRun, ThreadStart } from './threads.js';
import { ThreadSide, type FromThread, type ToThread } from './thread-side.js';
import { EventEncoder } from './thread-events.js';
import { applyPromptAnswers } from './vars-prompt.js';

const port = parentPort!;

/** Structured clone hands Buffers over as Uint8Arrays. */
const buffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

// Started before the run was loaded (threads.ts ThreadPool): its hosts and the run come in the first message.
let side: ThreadSide | undefined;
const abort = new AbortController();
port.on('message', (message: ToThread<ThreadStart>) => {
  if (message.kind === 'start') {
    const start = message.start;
    const own = new ThreadSide((out) => port.postMessage(out), start.released, start.thread, start.taskStarts, false, new EventEncoder());
    side = own;
    main(start, own).catch((error: Error & { location?: unknown }) => {
      own.flush();
      port.postMessage({ kind: 'failed', error: { name: error.name, message: error.message, stack: error.stack, location: error.location as never } } satisfies FromThread);
    });
  } else if (message.kind === 'abort') abort.abort();
  else side?.receive(message);
});

async function main(start: ThreadStart, side: ThreadSide): Promise<void> {
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
      // As the main thread loaded and planned it: this thread's hosts picked.
      const shared = deserialize(new Uint8Array(start.run)) as SharedRun;
      run = { ...shared, plan: shared.plan.map((p) => ({ ...p, hosts: p.hosts.filter((h) => only.has(h)) })) };
    } else {
      const loaded = loadPlaybooks(args, session, registry);
      applyPromptAnswers(loaded.plays, secrets.promptAnswers);
      const shard = args.shard !== undefined ? parseShard(args.shard, args.shardBy) : undefined;
      run = { ...planApply(args, session, registry, loaded, shard, only, false), playbookFiles: loaded.playbookFiles };
    }
    prepared = { registry, options: runOptions(args, session, run) };
  } finally {
    process.stderr.write = write;
  }
  // The main thread checked every host (preflight) before any thread touches one.
  await side.coordinator.meet([-1]);
  const summary = await runPlaybooks({ ...prepared.options, forks: start.forks, signal: abort.signal, privateKeys, onEvent: side.emit, coordinator: side.coordinator }, prepared.registry);
  side.flush();
  port.postMessage({ kind: 'done', hosts: summary.hosts, transport: side.transport } satisfies FromThread);
}
