import type { MetaAction } from '../modules/meta.js';
import { selectEntries, type TagFilter } from '../playbook/tags.js';
import { flattenEntries, isBlock, type PlayEntry, type PlaySpec, type TaskSpec } from '../playbook/types.js';
import type { RoleScope } from '../playbook/roles.js';
import { evaluateCondition } from '../template/index.js';
import type { HostRun } from './host-run.js';
import type { HostPlayIterator, IteratorStep } from './iterator.js';
import { forgetPrefetch, prefetchTasks } from './prefetch.js';
import { failPending, recordResult, settle, type OnFailure } from './results.js';
import type { RunOnceScopes } from './run-once.js';
import { runTask, type RunScope, type TaskOutcome } from './task.js';
import { includesOf } from './include.js';
import { factsOf, taskVars, type VarLayers } from './vars.js';
import type { TaskStatus } from './events.js';
import type { Limiter } from '../util/limiter.js';
import { StepFailure } from '../transport/types.js';

/** What every host of one play shares while it runs. */
export interface PlayRun {
  scope: RunScope;
  play: PlaySpec;
  layersOf(host: string): VarLayers;
  /** run_once gates: the play's tasks, and each handler flush point. */
  once: RunOnceScopes;
  hostvars: Record<string, Record<string, unknown>>;
  /** Position of each task in the play, for progress counts. */
  taskIndex: Map<TaskSpec, number>;
  /** throttle: the limiter a task's hosts share, if it has one. */
  throttle?(task: TaskSpec, run: HostRun): Limiter | undefined;
  /** Told of every result, for any_errors_fatal and max_fail_percentage. */
  afterTask?(run: HostRun, task: TaskSpec, status: TaskStatus, rescued: boolean): void;
  /** meta: end_play ran: no host takes another step in this play. */
  ended: boolean;
  /** --tags / --skip-tags, applied to the tasks of dynamic includes as they load. */
  tagFilter: TagFilter;
}

/**
 * One host through its play: ask the iterator for the next step and take it, until the play
 * is over for the host. A strategy that moves hosts in lock step calls `takeStep` itself.
 */
export async function runHostPlay(playRun: PlayRun, run: HostRun, iterator: HostPlayIterator): Promise<void> {
  for (;;) {
    // Checked before every step: an unreachable host (Ansible drops it), an ended play or an interrupted run takes none.
    if (run.stopped || playRun.ended || playRun.scope.aborted?.()) iterator.end();
    const step = iterator.next();
    if (!step) break;
    await takeStep(playRun, run, iterator, step);
  }
  // Ended early (end_host, end_play): what it queued is still made, and a failure there fails the host.
  await settle(playRun.scope, run, () => {
    run.stopped = true;
    return false;
  });
  if (iterator.failed) run.stopped = true;
}

/** Run one task, or make the queued changes at a block boundary; failures move the iterator. */
export async function takeStep(playRun: PlayRun, run: HostRun, iterator: HostPlayIterator, step: IteratorStep): Promise<void> {
  const onFailure: OnFailure = (task, result) => {
    const rescued = iterator.fail();
    // As Ansible: rescue (and always) tasks see what failed.
    if (rescued) {
      register(playRun, run, 'ansible_failed_task', { name: task.name, action: task.module, args: task.args, tags: task.tags });
      register(playRun, run, 'ansible_failed_result', result);
    }
    return rescued;
  };
  if (step.kind === 'settle') await settle(playRun.scope, run, onFailure);
  else if (step.task.module === 'meta') await runMeta(playRun, run, iterator, step.task, onFailure);
  else if (step.task.includeTasks) await runInclude(playRun, run, iterator, step.task, onFailure);
  else await execute(playRun, run, step.task, playRun.once.of(playRun.play), false, onFailure);
}

/** Meta tasks act on the play, not on the host, and count nowhere in the recap (as Ansible). */
async function runMeta(playRun: PlayRun, run: HostRun, iterator: HostPlayIterator, task: TaskSpec, onFailure: OnFailure): Promise<void> {
  const action = task.args._raw_params as MetaAction;
  if (action === 'noop') return;
  const vars = taskVars(playRun.layersOf(run.name), task);
  const origin = { what: `task '${task.name}'`, location: task.location };
  let holds: boolean;
  try {
    holds = task.when.every((condition) => evaluateCondition(condition, vars, origin));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await execute(playRun, run, { ...task, module: 'meta' }, playRun.once.of(playRun.play), false, onFailure, { status: 'failed', message, result: { failed: true, msg: message } });
    return;
  }
  if (!holds) return;
  switch (action) {
    case 'flush_handlers':
      return flushHandlers(playRun, run, task, onFailure);
    case 'end_host':
      return iterator.end();
    case 'end_play':
      playRun.ended = true;
      return iterator.end();
  }
}

/**
 * include_tasks, when a host reaches it: each loop item whose when holds loads the file (as
 * Ansible, each included file counts ok), and its tasks run next. Their facts join the next probe.
 */
async function runInclude(playRun: PlayRun, run: HostRun, iterator: HostPlayIterator, task: TaskSpec, onFailure: OnFailure): Promise<void> {
  const layers = playRun.layersOf(run.name);
  const once = playRun.once.of(playRun.play);
  let includes: ReturnType<typeof includesOf>;
  try {
    includes = includesOf(task, layers);
  } catch (error) {
    // A missing or broken file fails the host where it is, naming the file.
    const message = error instanceof Error ? error.message : String(error);
    await execute(playRun, run, task, once, false, onFailure, { status: 'failed', message, result: { failed: true, msg: message } });
    return;
  }
  if (includes.length === 0) await execute(playRun, run, task, once, false, onFailure, { status: 'skipped', message: 'condition false', result: { changed: false, skipped: true } });
  // As Ansible's stats: each included task file counts ok; an included role counts nothing.
  if (task.module !== 'include_role') for (const { file } of includes) await execute(playRun, run, task, once, false, onFailure, { status: 'ok', message: `included: ${file}`, result: { include: file } });
  const entries = includes.flatMap((i) => selectEntries(i.entries, playRun.tagFilter));
  // include_role with public: true: from now on the role's defaults and vars reach every task of the play (Ansible's play.roles).
  for (const { entries: loaded } of includes) for (const entry of loaded) if (isBlock(entry) && entry.exposes) publish(playRun.play, entry.exposes);
  iterator.insert(entries);
  // Known already when the prefetch could look ahead; otherwise these join the next probe.
  prefetchTasks(playRun.scope, run, playRun.play, flattenEntries(entries).filter((t) => !run.prefetched.has(t)), layers);
}

/** The handlers this host notified, in the order they are defined, once each; a failed one fails the host where it is. */
async function flushHandlers(playRun: PlayRun, run: HostRun, point: TaskSpec, onFailure: OnFailure): Promise<void> {
  const gates = playRun.once.of(point);
  let failed = false;
  const failing: OnFailure = (task, result) => {
    failed = true;
    return onFailure(task, result);
  };
  // A notification reaches every handler named or listening so: consumed once all of them had their turn.
  const consumed = new Set<string>();
  try {
    await settle(playRun.scope, run, failing);
    for (const handler of playRun.play.handlers) {
      if (failed || run.stopped) break;
      if (![handler.name, ...handler.listen].some((n) => run.notified.has(n))) continue;
      for (const name of [handler.name, ...handler.listen]) consumed.add(name);
      await execute(playRun, run, handler, gates, true, failing);
    }
    for (const name of consumed) run.notified.delete(name);
    if (!failed) await settle(playRun.scope, run, failing);
  } finally {
    gates.leave(run.name);
  }
}

/** One task on one host, with run_once, ignore_errors, register and notify; its result is recorded. */
export async function execute(
  playRun: PlayRun,
  run: HostRun,
  task: TaskSpec,
  once: ReturnType<RunOnceScopes['of']>,
  handler: boolean,
  onFailure: OnFailure,
  known?: TaskOutcome,
): Promise<void> {
  const { scope, play } = playRun;
  // pause runs once for the play's hosts, as Ansible's action plugins that bypass the host loop.
  const runOnce = task.runOnce || scope.registry.get(task.module)?.runsOnce === true;
  if (runOnce && !known) {
    // run_once: when another host ran it for everyone, this one only takes its registered result.
    const shared = await once.await(task, run.name).catch(() => null);
    if (shared !== undefined) {
      if (shared && task.register) register(playRun, run, task.register, shared.result);
      // As Ansible: the facts a run_once task returns are set on every host of the play.
      if (shared) takeFacts(playRun, run, task, shared);
      return;
    }
  }
  const index = playRun.taskIndex.get(task) ?? -1;
  scope.emit({ type: 'task_start', host: run.name, play: play.name, task: task.name, index, handler });
  const started = Date.now();
  const queuedBefore = run.transport.stepsQueued;
  const throttle = known ? undefined : playRun.throttle?.(task, run);
  const job = () => runTask(scope, run, play, task, playRun.layersOf(run.name));
  const pending = known ? Promise.resolve(known) : throttle ? throttle.run(job) : job();
  if (runOnce && !known) once.done(task, pending);
  let outcome: TaskOutcome;
  try {
    outcome = await pending;
    // ignore_errors must judge this task's own queued changes, and the tasks after it must not
    // queue behind a change that fails: make them now.
    if (task.ignoreErrors && outcome.status !== 'failed' && run.transport.stepsQueued > queuedBefore) {
      try {
        await run.transport.flush();
      } catch (error) {
        if (!(error instanceof StepFailure) || error.step < queuedBefore) throw error;
        // The change was not made: its predictions (a validate that refused the new content) must not stand.
        for (const cache of run.allFacts()) cache.invalidate();
        const message = task.noLog ? 'output hidden: no_log is set on this task' : error.message;
        outcome = { status: 'failed', message, result: { ...outcome.result, changed: false, failed: true, msg: message } };
      }
    }
  } catch (error) {
    // A change queued by an earlier task failed when this one reached the host.
    if (failPending(scope, run, error, onFailure)) {
      playRun.afterTask?.(run, task, 'failed', false);
      return;
    }
    outcome = { status: 'failed', message: error instanceof Error ? error.message : String(error), result: { failed: true } };
  }
  const marks: { rescued?: boolean; ignored?: boolean } = {};
  // As Ansible: an ignored failure counts ok (changed when its result says so) and ignored, and notifies nothing.
  if (outcome.status === 'failed' && task.ignoreErrors) {
    outcome = { ...outcome, status: outcome.result.changed === true ? 'changed' : 'ok', message: `failed, ignored: ${outcome.message ?? ''}` };
    marks.ignored = true;
  }
  if (outcome.status === 'unreachable' && task.ignoreUnreachable) {
    // As Ansible: counted ok and ignored; the host stays in the play.
    outcome = { ...outcome, status: 'ok', message: `unreachable, ignored: ${outcome.message ?? ''}` };
    marks.ignored = true;
  }
  forgetPrefetch(run, task);
  if (task.register) register(playRun, run, task.register, outcome.result);
  if (!marks.ignored) takeFacts(playRun, run, task, outcome);
  if (outcome.status === 'changed' && !marks.ignored) for (const name of task.notify) run.notified.add(name);
  if (outcome.status === 'failed') marks.rescued = onFailure(task, outcome.result);
  recordResult(scope, run, play, task, index, handler, outcome, started, marks);
  playRun.afterTask?.(run, task, outcome.status, marks.rescued === true);
}

function register(playRun: PlayRun, run: HostRun, name: string, result: unknown): void {
  run.setVars('set', { [name]: result });
  playRun.hostvars[run.name][name] = result;
}

/**
 * `ansible_facts` of a task's result (each loop item's, in order) become variables of the host,
 * in the layer its module names (set_fact, include_vars, host facts), as Ansible's strategy does.
 * A failed or skipped result sets nothing.
 */
function takeFacts(playRun: PlayRun, run: HostRun, task: TaskSpec, outcome: TaskOutcome): void {
  if (outcome.status !== 'ok' && outcome.status !== 'changed') return;
  const results = task.loop === undefined ? [outcome.result] : ((outcome.result.results as Array<Record<string, unknown>>) ?? []);
  const layer = playRun.scope.registry.get(task.module)?.factsAs ?? 'gathered';
  const { extraVars } = playRun.layersOf(run.name);
  const hostvars = playRun.hostvars[run.name];
  for (const result of results) {
    const facts = factsOf(result);
    if (!facts) continue;
    run.setVars(layer, facts);
    // Other hosts see them through hostvars; extra vars stay on top there too.
    for (const [name, value] of Object.entries(facts)) if (!(name in extraVars)) hostvars[name] = value;
  }
  if (layer === 'gathered') hostvars.ansible_facts = run.namespacedFacts();
}

function publish(play: PlaySpec, role: RoleScope): void {
  const roles = (play.publicRoles ??= []);
  if (!roles.includes(role)) roles.push(role);
}
