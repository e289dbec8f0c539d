import type { Inventory } from '../inventory/types.js';
import type { HostRecap, RunEventListener } from './events.js';
import type { PlannedPlay } from './preflight.js';
import type { KeyChoice } from '../transport/keys.js';

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
  /** -vvvv: connection-level detail (negotiation, host key, each exec's size and exit), one line each; never a command line or secret. */
  connectionLog?: (line: string) => void;
  /** Aborted on SIGINT/SIGTERM: no task starts after it; what runs on the hosts is stopped. */
  signal?: AbortSignal;
  /** Private key files loaded and checked before the run (see transport/keys.ts). */
  privateKeys?: Map<string, KeyChoice>;
  /** Fact probes that take longer fail their task (default 60 s). */
  factTimeoutMs?: number;
  onEvent: RunEventListener;
  /** --strategy: for plays that do not set strategy: themselves. */
  strategy?: Strategy;
  /** --task-timeout: seconds a task may take unless it sets timeout: (0 or unset: no limit). */
  taskTimeout?: number;
}

export type Strategy = 'linear' | 'free';

export interface RunSummary {
  hosts: Record<string, HostRecap>;
  /** 0 all well, 2 a task failed, 3 a host was unreachable. */
  exitCode: number;
}
