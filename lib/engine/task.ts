import { InputError, formatLocation } from '../errors.js';
import type { ModuleRegistry } from '../modules/registry.js';
import type { ApplyContext, CheckResult, FileDiff, ModuleContext, ModuleDefinition } from '../modules/types.js';
import type { PlaySpec, TaskSpec } from '../playbook/types.js';
import { InterruptedError, StepFailure, UnreachableError, type Privilege } from '../transport/types.js';
import { evaluateCondition, renderTemplateFile, renderValue } from '../template/index.js';
import { moduleArgs } from './args.js';
import type { RunEventListener, TaskStatus } from './events.js';
import type { HostRun } from './host-run.js';
import { factsOf, itemVars, type VarLayers } from './vars.js';
import { holdsSecret, readsSecret } from '../vault/redact.js';

/** What the engine shares with every task of a run. */
export interface RunScope {
  registry: ModuleRegistry;
  dryRun: boolean;
  diff: boolean;
  /** `-v` count (debug's verbosity threshold); 0 unless the command line says otherwise. */
  verbosity?: number;
  emit: RunEventListener;
  hostRun(name: string): HostRun;
  /** The run was interrupted: no task starts after it. */
  aborted?(): boolean;
}

export interface TaskOutcome {
  status: TaskStatus;
  /** The task read a value from a vault: reported as if no_log were set. */
  secret?: boolean;
  message?: string;
  diff?: FileDiff[];
  result: Record<string, unknown>;
}

interface ItemOutcome extends TaskOutcome {
  item?: unknown;
}

/** Runs one task (all its loop items) on one host: when, check, apply, changed_when/failed_when, register. */
export async function runTask(scope: RunScope, run: HostRun, play: PlaySpec, task: TaskSpec, layers: VarLayers): Promise<TaskOutcome> {
  const module = scope.registry.get(task.module)!;
  const outcomes: ItemOutcome[] = [];
  // As Ansible's task executor: facts an item returns are variables of the items after it.
  const carried: Record<string, unknown> = {};
  for (const { vars, item } of itemVars(layers, task)) {
    const itemScope = task.loop === undefined ? vars : { ...vars, ...carried, [task.loopVar]: item };
    const outcome = await runItem(scope, run, play, task, module, itemScope);
    Object.assign(carried, factsOf(outcome.result) ?? {});
    outcomes.push({ ...outcome, item });
    if (outcome.status === 'failed' || outcome.status === 'unreachable') break;
  }
  const combined = task.loop === undefined ? outcomes[0] : combineItems(outcomes);
  if (outcomes.some((o) => o.secret)) combined.secret = true;
  return combined;
}

function combineItems(outcomes: ItemOutcome[]): TaskOutcome {
  const has = (s: TaskStatus) => outcomes.some((o) => o.status === s);
  const status: TaskStatus = has('unreachable') ? 'unreachable' : has('failed') ? 'failed' : has('changed') ? 'changed' : outcomes.length > 0 && outcomes.every((o) => o.status === 'skipped') ? 'skipped' : 'ok';
  const messages = outcomes.filter((o) => o.message).map((o) => `${JSON.stringify(o.item)}: ${o.message}`);
  return {
    status,
    message: messages.join('; ') || undefined,
    diff: outcomes.flatMap((o) => o.diff ?? []),
    result: {
      changed: status === 'changed',
      failed: status === 'failed',
      skipped: status === 'skipped',
      results: outcomes.map((o) => ({ ...o.result, item: o.item })),
    },
  };
}

export function taskPrivilege(run: HostRun, play: PlaySpec, task: TaskSpec): Privilege {
  const connection = run.host.connection;
  return {
    become: task.become ?? play.become ?? connection.become,
    becomeUser: task.becomeUser ?? play.becomeUser ?? connection.becomeUser,
  };
}

async function runItem(
  scope: RunScope,
  run: HostRun,
  play: PlaySpec,
  task: TaskSpec,
  module: ModuleDefinition,
  vars: Record<string, unknown>,
): Promise<TaskOutcome> {
  const origin = { what: `task '${task.name}'`, location: task.location };
  if (!task.when.every((condition) => evaluateCondition(condition, vars, origin))) {
    return { status: 'skipped', message: 'condition false', result: { changed: false, skipped: true } };
  }
  const privilege = taskPrivilege(run, play, task);
  const facts = run.facts(privilege);
  let args: Record<string, unknown>;
  let readVault = false;
  try {
    const rendered = readsSecret(() => renderValue(task.args, vars, origin) as Record<string, unknown>);
    readVault = rendered.secret;
    args = moduleArgs(module, rendered.value);
  } catch (error) {
    return failure(error, task);
  }
  // A value from a vault in the arguments makes this task no_log: diffs as checksums, no messages.
  const noLog = task.noLog || readVault || holdsSecret(args);
  const context: ModuleContext = {
    host: run.name,
    user: privilege.become ? (privilege.becomeUser ?? 'root') : run.host.connection.user,
    vars,
    privilege,
    dryRun: scope.dryRun,
    diff: scope.diff,
    noLog,
    baseDir: play.baseDir,
    facts,
    factsOf: (name) => scope.hostRun(name).facts(privilege),
    render: (text, what) => {
      const rendered = readsSecret(() => renderTemplateFile(text, vars, { what, location: task.location }) as string);
      // A template that reads a vault value makes the file it renders a secret.
      if (rendered.secret) context.noLog = true;
      return rendered.value;
    },
    progress: (message) => scope.emit({ type: 'task_progress', host: run.name, task: task.name, message }),
    changedPaths: () => [...run.changedPaths],
    evaluate: (condition) => evaluateCondition(condition, vars, origin),
    expression: (expression) => renderValue(`{{ ${expression} }}`, vars, origin),
    verbosity: scope.verbosity ?? 0,
  };
  try {
    const check = await module.check(args, context);
    if (check.failed || check.skipped) {
      // assert, fail, debug under its verbosity: decided by the check, in a dry-run alike.
      const status = check.failed ? 'failed' : 'skipped';
      const outcome: TaskOutcome = { status, message: check.message, result: { ...check.result, changed: false, failed: status === 'failed', ...(check.skipped ? { skipped: true } : {}) } };
      return judge(task, outcome, vars, origin, false);
    }
    const runsForReal = !scope.dryRun || task.checkMode === false || (module.freeForm === true && task.changedWhen === false);
    let outcome: TaskOutcome;
    if (check.changed && runsForReal) {
      const applyContext: ApplyContext = { ...context, transport: run.transport, transportOf: (name) => scope.hostRun(name).transport };
      const applied = await module.apply(args, check, applyContext);
      // A command declared read-only (changed_when: false) leaves the cached facts valid.
      recordEffects(run, task.changedWhen === false ? { ...check, invalidatesFacts: false } : check, scope.dryRun);
      outcome = {
        status: applied.failed ? 'failed' : applied.changed ? 'changed' : 'ok',
        message: applied.message ?? check.message,
        diff: check.diff,
        result: { ...check.result, ...applied.result, changed: applied.changed, failed: applied.failed === true },
      };
    } else {
      if (check.changed) recordEffects(run, check, scope.dryRun, true);
      outcome = {
        status: check.changed ? 'changed' : 'ok',
        message: check.message,
        diff: check.diff,
        result: { ...check.result, changed: check.changed, failed: false },
      };
    }
    if (context.noLog) outcome.secret = true;
    return judge(task, outcome, vars, origin, scope.dryRun && !runsForReal);
  } catch (error) {
    // The engine reports a failed queued change against the task that queued it.
    if (error instanceof StepFailure || error instanceof InterruptedError || (error instanceof UnreachableError && run.pending.length > 0)) throw error;
    if (error instanceof UnreachableError) return { status: 'unreachable', message: error.message, result: { unreachable: true } };
    return failure(error, task);
  }
}

/** Later tasks plan against the state this one brings about; a command leaves nothing certain. */
function recordEffects(run: HostRun, check: CheckResult, dryRun: boolean, predictedOnly = false): void {
  for (const state of check.predicted ?? []) run.changedPaths.add(state.path);
  for (const cache of run.allFacts()) {
    // In a dry-run the predictions of earlier tasks are the state later tasks must plan against.
    if (check.invalidatesFacts && !predictedOnly) cache.invalidate({ keepPredicted: dryRun });
    else {
      if (check.predicted) cache.predict(check.predicted, predictedContents(check));
      if (check.facts) cache.predictFacts(check.facts);
    }
  }
}

function predictedContents(check: CheckResult): Map<string, Buffer> {
  const data = check.data as { contents?: Map<string, Buffer> } | undefined;
  return data?.contents instanceof Map ? data.contents : new Map();
}

/** changed_when / failed_when see the result under its registered name, as in Ansible. */
function judge(task: TaskSpec, outcome: TaskOutcome, vars: Record<string, unknown>, origin: { what: string }, predicted: boolean): TaskOutcome {
  if (predicted || outcome.status === 'skipped') return outcome;
  const scopeVars = { ...vars, ...outcome.result, ...(task.register ? { [task.register]: outcome.result } : {}) };
  const holds = (rule: string[] | boolean) => (typeof rule === 'boolean' ? rule : rule.every((c) => evaluateCondition(c, scopeVars, origin)));
  // As Ansible: failed_when decides failure, changed_when decides change, each on its own.
  const failed = task.failedWhen !== undefined ? holds(task.failedWhen) : outcome.status === 'failed';
  const changed = task.changedWhen !== undefined ? holds(task.changedWhen) : outcome.result.changed === true;
  const status = failed ? 'failed' : changed ? 'changed' : 'ok';
  // A failed result keeps its changed flag (a command that ran and failed changed something), as Ansible's.
  return { ...outcome, status, result: { ...outcome.result, changed, failed } };
}

function failure(error: unknown, task: TaskSpec): TaskOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const where = error instanceof InputError ? '' : ` (${formatLocation(task.location)})`;
  return { status: 'failed', message: `${message}${where}`, result: { failed: true, msg: message } };
}
