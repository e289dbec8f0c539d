import type { FileDiff } from '../modules/types.js';
import type { PlaySpec, TaskSpec } from '../playbook/types.js';
import { UnreachableError } from '../transport/ssh.js';
import { StepFailure } from '../transport/types.js';
import { countResult, type RunEvent } from './events.js';
import type { HostRun } from './host-run.js';
import type { RunScope, TaskOutcome } from './task.js';

type TaskResultEvent = Extract<RunEvent, { type: 'task_result' }>;

/** A task's result, held until the changes it queued are made on the host. */
export interface PendingResult {
  event: TaskResultEvent;
  /** The host's queued-step count when the task ended: made steps up to here confirm it. */
  endStep: number;
}

export function recordResult(scope: RunScope, run: HostRun, play: PlaySpec, task: TaskSpec, index: number, handler: boolean, outcome: TaskOutcome, started: number): void {
  const hidden = task.noLog;
  run.pending.push({
    endStep: run.transport.stepsQueued,
    event: {
      type: 'task_result',
      host: run.name,
      play: play.name,
      task: task.name,
      index,
      handler,
      status: outcome.status,
      ...(outcome.ignored ? { ignored: true } : {}),
      message: hidden && outcome.status !== 'skipped' ? 'output hidden: no_log is set on this task' : outcome.message,
      ...(hidden ? {} : commandOutput(outcome.result)),
      diff: outcome.diff && (hidden ? outcome.diff.map(hideContent) : outcome.diff),
      dryRun: scope.dryRun,
      durationMs: Date.now() - started,
    },
  });
  release(scope, run);
}

/** Report, in task order, every held result whose changes are made. */
function release(scope: RunScope, run: HostRun): void {
  while (run.pending.length > 0 && run.pending[0].endStep <= run.transport.stepsMade) publish(scope, run, run.pending.shift()!.event);
}

/** Make the host's queued changes now, and report what they confirm, or which task they fail. */
export async function settle(scope: RunScope, run: HostRun): Promise<void> {
  try {
    await run.transport.flush();
    release(scope, run);
  } catch (error) {
    if (!failPending(scope, run, error)) throw error;
  }
}

/**
 * A queued change failed (or the host went away): results before it stand, the task that
 * queued it failed, and the tasks after it never ran, as if the host had stopped right there.
 * Returns false for errors that are not about queued changes.
 */
export function failPending(scope: RunScope, run: HostRun, error: unknown): boolean {
  if (!(error instanceof StepFailure) && !(error instanceof UnreachableError)) return false;
  const made = error instanceof StepFailure ? error.step : run.transport.stepsMade;
  while (run.pending.length > 0 && run.pending[0].endStep <= made) publish(scope, run, run.pending.shift()!.event);
  const failed = run.pending.shift();
  run.pending.length = 0;
  const status = error instanceof StepFailure ? 'failed' : 'unreachable';
  if (failed) publish(scope, run, { ...failed.event, status, message: error.message, diff: undefined });
  else publish(scope, run, { type: 'task_result', host: run.name, play: '', task: 'queued changes', index: -1, handler: false, status, message: error.message, dryRun: scope.dryRun, durationMs: 0 });
  run.stopped = true;
  return true;
}

function publish(scope: RunScope, run: HostRun, event: TaskResultEvent): void {
  countResult(run.recap, event);
  if (event.status === 'unreachable' || event.status === 'failed') run.stopped = true;
  scope.emit(event);
  if (event.status === 'unreachable') scope.emit({ type: 'host_unreachable', host: run.name, message: event.message ?? 'unreachable' });
}

/** stdout/stderr/rc of a command's result (of its last loop item), for -v and JSON. */
function commandOutput(result: Record<string, unknown>): { stdout?: string; stderr?: string; rc?: number } {
  const items = Array.isArray(result.results) ? (result.results as Record<string, unknown>[]) : [];
  const source = typeof result.rc === 'number' ? result : [...items].reverse().find((item) => typeof item.rc === 'number');
  if (!source) return {};
  return {
    rc: source.rc as number,
    ...(typeof source.stdout === 'string' ? { stdout: source.stdout } : {}),
    ...(typeof source.stderr === 'string' ? { stderr: source.stderr } : {}),
  };
}

function hideContent(diff: FileDiff): FileDiff {
  const { content: _before, ...before } = diff.before;
  const { content: _after, ...after } = diff.after;
  return { ...diff, secret: true, before, after };
}
