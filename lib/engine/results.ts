import type { FileDiff } from '../modules/types.js';
import type { PlaySpec, TaskSpec } from '../playbook/types.js';
import { InterruptedError, StepFailure, UnreachableError } from '../transport/types.js';
import { countResult, type RunEvent } from './events.js';
import type { HostRun } from './host-run.js';
import type { RunScope, TaskOutcome } from './task.js';

type TaskResultEvent = Extract<RunEvent, { type: 'task_result' }>;

/** A task's result, held until the changes it queued are made on the host. */
export interface PendingResult {
  event: TaskResultEvent;
  task: TaskSpec;
  /** The host's queued-step count when the task ended: made steps up to here confirm it. */
  endStep: number;
  /** no_log: a failure of its queued change is reported without the message (it may name a secret path). */
  hidden: boolean;
}

const HIDDEN = 'output hidden: no_log is set on this task';

/**
 * What the driver decides about a failure that errors do not ignore: true when an enclosing
 * block rescues it (the host goes on), false when the host fails (see iterator.ts).
 */
export type OnFailure = (task: TaskSpec, result: Record<string, unknown>) => boolean;

export function recordResult(scope: RunScope, run: HostRun, play: PlaySpec, task: TaskSpec, index: number, handler: boolean, outcome: TaskOutcome, started: number, marks: { rescued?: boolean; ignored?: boolean } = {}): void {
  const hidden = task.noLog || outcome.secret === true;
  // Built key by key in the order a spread of the parts would give (the JSON lines keep it):
  // no temporary object per optional part, no generic copy of one.
  const event: Record<string, unknown> = {};
  if (marks.rescued) event.rescued = true;
  if (marks.ignored) event.ignored = true;
  event.type = 'task_result';
  event.host = run.name;
  event.play = play.name;
  event.task = task.name;
  event.index = index;
  event.handler = handler;
  event.status = outcome.status;
  event.message = hidden && outcome.status !== 'skipped' ? (task.noLog ? HIDDEN : 'output hidden: the task uses a value from a vault') : outcome.message;
  if (!hidden) addCommandOutput(event, outcome.result);
  event.diff = outcome.diff && (hidden ? outcome.diff.map(hideContent) : outcome.diff);
  event.dryRun = scope.dryRun;
  event.durationMs = Date.now() - started;
  run.pending.push({ task, endStep: run.transport.stepsQueued, hidden, event: event as TaskResultEvent });
  release(scope, run);
}

/** Report, in task order, every held result whose changes are made. */
function release(scope: RunScope, run: HostRun): void {
  while (run.pending.length > 0 && run.pending[0].endStep <= run.transport.stepsMade) publish(scope, run, run.pending.shift()!.event);
}

/** Make the host's queued changes now, and report what they confirm, or which task they fail. */
export async function settle(scope: RunScope, run: HostRun, onFailure: OnFailure): Promise<void> {
  try {
    await run.transport.flush();
    release(scope, run);
  } catch (error) {
    if (!failPending(scope, run, error, onFailure)) throw error;
  }
}

/**
 * A queued change failed (or the host went away): results before it stand, the task that
 * queued it failed (the driver decides what that means: rescue, or the host's end), and the
 * tasks after it never ran, as if the host had stopped right there.
 * Returns false for errors that are not about queued changes.
 */
export function failPending(scope: RunScope, run: HostRun, error: unknown, onFailure: OnFailure): boolean {
  if (!(error instanceof StepFailure) && !(error instanceof UnreachableError) && !(error instanceof InterruptedError)) return false;
  const made = error instanceof StepFailure ? error.step : run.transport.stepsMade;
  while (run.pending.length > 0 && run.pending[0].endStep <= made) publish(scope, run, run.pending.shift()!.event);
  if (error instanceof InterruptedError) {
    // Interrupted: what was confirmed stands; the rest was rolled back or never sent, and is not reported as done.
    run.pending.length = 0;
    run.recap.interrupted = true;
    run.stopped = true;
    return true;
  }
  const failed = run.pending.shift();
  run.pending.length = 0;
  const message = failed?.hidden ? HIDDEN : error.message;
  if (!failed || error instanceof UnreachableError) {
    const status = error instanceof UnreachableError ? 'unreachable' : 'failed';
    if (failed) publish(scope, run, { ...failed.event, status, message, diff: undefined });
    else publish(scope, run, { type: 'task_result', host: run.name, play: '', task: 'queued changes', index: -1, handler: false, status, message, dryRun: scope.dryRun, durationMs: 0 });
    run.stopped = true;
    return true;
  }
  // The changes queued after the failed one were dropped, and their predictions with them.
  for (const cache of run.allFacts()) cache.invalidate();
  const result = { failed: true, msg: message };
  const { rescued: _rescued, ignored: _ignored, ...event } = failed.event;
  if (failed.task.ignoreErrors) publish(scope, run, { ...event, status: 'ok', ignored: true, message: `failed, ignored: ${message}`, diff: undefined });
  else publish(scope, run, { ...event, status: 'failed', ...(onFailure(failed.task, result) ? { rescued: true } : {}), message, diff: undefined });
  return true;
}

function publish(scope: RunScope, run: HostRun, event: TaskResultEvent): void {
  countResult(run.recap, event);
  if (event.status === 'unreachable') run.stopped = true;
  scope.emit(event);
  if (event.status === 'unreachable') scope.emit({ type: 'host_unreachable', host: run.name, message: event.message ?? 'unreachable' });
}

/** rc, stdout and stderr of a command's result (of its last loop item that has one), for -v and JSON, added to `event` in that order. */
function addCommandOutput(event: Record<string, unknown>, result: Record<string, unknown>): void {
  let source = typeof result.rc === 'number' ? result : undefined;
  if (!source && Array.isArray(result.results)) {
    const items = result.results as Record<string, unknown>[];
    for (let i = items.length - 1; i >= 0 && !source; i--) if (typeof items[i].rc === 'number') source = items[i];
  }
  if (!source) return;
  event.rc = source.rc as number;
  if (typeof source.stdout === 'string') event.stdout = source.stdout;
  if (typeof source.stderr === 'string') event.stderr = source.stderr;
}

/** no_log: checksums instead of content, and no path (it may be templated from a secret loop item). */
function hideContent(diff: FileDiff): FileDiff {
  const { content: _before, ...before } = diff.before;
  const { content: _after, ...after } = diff.after;
  return { ...diff, path: '(path hidden: no_log)', secret: true, before, after };
}
