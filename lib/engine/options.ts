import type { Inventory } from '../inventory/types.js';
import type { HostRecap, RunEventListener } from './events.js';
import type { PlannedPlay } from './preflight.js';
import type { KeyChoice } from '../transport/keys.js';
import type { PersistSettings } from '../transport/kept.js';
import type { QueuedTransport } from '../transport/queued.js';
import type { FileRecordStore } from './file-records.js';

export interface RunOptions {
  inventory: Inventory;
  /** Hosts and tasks per play, from planRun (limit, tags, preflight). */
  plan: PlannedPlay[];
  playbookFiles: string[];
  dryRun: boolean;
  diff: boolean;
  /** `-v` count (1: task output, 3: connection details); debug tasks with a higher `verbosity` are skipped. Default 0. */
  verbosity?: number;
  forks: number;
  extraVars: Record<string, unknown>;
  knownHostsFile: string;
  acceptNewHostKeys: boolean;
  connectTimeoutMs: number;
  /** -K / --become-password-file: sent to sudo over the channel's stdin, never in a command line. */
  becomePassword?: string;
  /** A connected host silent this long is unreachable (default 15 s). */
  keepaliveMs?: number;
  /** --persist: connections kept between runs by the connection keeper. */
  persist?: PersistSettings;
  /** Connections opened while preflight ran (engine/early.ts): each host's run takes its own; the rest are closed at the end. */
  opened?: Map<string, QueuedTransport>;
  /** -vvvv: connection-level detail (negotiation, host key, each exec's size and exit), one line each; never a command line or secret. */
  connectionLog?: (line: string) => void;
  /** Aborted on SIGINT/SIGTERM: no task starts after it; what runs on the hosts is stopped. */
  signal?: AbortSignal;
  /** Private key files loaded and checked before the run (see transport/keys.ts). */
  privateKeys?: Map<string, KeyChoice>;
  /** Fact probes that take longer fail their task (default 60 s). */
  factTimeoutMs?: number;
  /** What runbook saw of files on each target (file-records.ts), read and written by the run. */
  fileRecords?: FileRecordStore;
  onEvent: RunEventListener;
  /** --strategy: for plays that do not set strategy: themselves. */
  strategy?: Strategy;
  /** --task-timeout: seconds a task may take unless it sets timeout: (0 or unset: no limit). */
  taskTimeout?: number;
  /** This run is one thread's slice of the hosts (worker threads): it keeps step with the others through this. */
  coordinator?: RunCoordinator;
}

/**
 * What lets threads that each run a slice of the hosts make the run one thread makes. They meet
 * only where a decision needs every host (the run's start; a batch's end, where the playbook may
 * have ended for every host and where the next batch or play begins); elsewhere each thread runs its hosts' tasks freely and says where it is (`at`), so the
 * main thread can put every thread's events in the order one thread gives them. Points are
 * compared as tuples, in run order; a thread's points only grow.
 */
export interface RunCoordinator {
  /**
   * Resolves once every thread has reached `point` or gone past it, with the AND of the votes
   * given there (undefined when no thread voted).
   */
  meet(point: number[], vote?: boolean): Promise<boolean | undefined>;
  /**
   * The events from here on belong to `point` (until the next one): ordered with other threads'
   * events there by host ('hosts', as one thread's lock-step rounds give them), or as they come
   * ('arrival', the free strategy). A promise: this thread is far ahead of the slowest one and
   * waits until the main thread caught up (its held events stay bounded).
   */
  at(point: number[], order?: 'hosts' | 'arrival'): Promise<void> | void;
}

export type Strategy = 'linear' | 'free';

export interface RunSummary {
  hosts: Record<string, HostRecap>;
  /** 0 all well, 2 a task failed, 3 a host was unreachable. */
  exitCode: number;
}
