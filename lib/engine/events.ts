import type { FileDiff } from '../modules/types.js';

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

/** Ansible's recap counters: `ok` includes changed tasks (and ignored failures), as ansible-playbook counts. */
export interface HostRecap {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: boolean;
  /** Failures a block's rescue section handled. */
  rescued: number;
  /** Failures under ignore_errors (counted in ok too). */
  ignored: number;
  /** The run was interrupted while this host had work left. */
  interrupted?: boolean;
}

export function emptyRecap(): HostRecap {
  return { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: false, rescued: 0, ignored: 0 };
}

/** Counts one task result as ansible-playbook does (strategy/__init__.py: ok includes changed and ignored). */
export function countResult(recap: HostRecap, result: { status: TaskStatus; ignored?: boolean; rescued?: boolean }): void {
  switch (result.status) {
    case 'unreachable':
      recap.unreachable = true;
      return;
    case 'failed':
      if (result.rescued) recap.rescued++;
      else recap.failed++;
      return;
    case 'skipped':
      recap.skipped++;
      return;
    case 'changed':
      recap.changed++;
      recap.ok++;
      break;
    case 'ok':
      recap.ok++;
      break;
  }
  if (result.ignored) recap.ignored++;
}

export interface TransportCounters {
  connections: number;
  roundTrips: number;
  /** Kept connections (--persist) used again; absent when none. */
  reused?: number;
}

/** Everything the engine tells the world. Renderers subscribe; they never drive the engine. */
export type RunEvent =
  | { type: 'run_start'; hosts: string[]; dryRun: boolean; playbooks: string[]; tasks: number }
  | { type: 'play_start'; play: string; index: number; hosts: string[]; tasks: number }
  | { type: 'task_start'; host: string; play: string; task: string; index: number; handler: boolean }
  | { type: 'task_progress'; host: string; task: string; message: string }
  /** until/retries: an attempt did not satisfy the condition; another follows after the delay. */
  | { type: 'task_retry'; host: string; task: string; attempt: number; retriesLeft: number; message?: string }
  | {
      type: 'task_result';
      host: string;
      play: string;
      task: string;
      index: number; // position in the play, for progress counts
      handler: boolean;
      status: TaskStatus;
      /** A failure an enclosing block's rescue handles: counted as rescued, not failed. */
      rescued?: boolean;
      /** A failure under ignore_errors: status ok, counted as ok and ignored. */
      ignored?: boolean;
      message?: string;
      /** A command's output and exit code (absent under no_log). */
      stdout?: string;
      stderr?: string;
      rc?: number;
      item?: unknown; // loop item (never shown for no_log tasks)
      diff?: FileDiff[];
      dryRun: boolean;
      durationMs: number;
    }
  | { type: 'host_unreachable'; host: string; message: string }
  | { type: 'play_end'; play: string; index: number }
  | { type: 'recap'; hosts: Record<string, HostRecap>; transport: Record<string, TransportCounters>; durationMs: number };

export type RunEventListener = (event: RunEvent) => void;
