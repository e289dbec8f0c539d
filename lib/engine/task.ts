import { InputError, formatLocation, type SourceLocation } from '../errors.js';
import type { ModuleRegistry } from '../modules/registry.js';
import type { ApplyContext, CheckResult, FileDiff, ModuleContext, ModuleDefinition } from '../modules/types.js';
import type { PlaySpec, TaskSpec } from '../playbook/types.js';
import type { ConnectionSpec } from '../inventory/types.js';
import { shellQuote } from '../util/shell.js';
import { KILL_GRACE_MS } from '../transport/queued.js';
import { InterruptedError, StepFailure, UnreachableError, type HostTransport, type Privilege } from '../transport/types.js';
import { evaluateCondition, renderTemplateFile, renderTemplateFilePieces, renderValue } from '../template/index.js';
import { renderTaskArgs } from './args.js';
import type { RunEventListener, TaskStatus } from './events.js';
import type { HostRun } from './host-run.js';
import { factsOf, itemVars, type VarLayers } from './vars.js';
import { connectionUnder, connectionVariablesChanged } from './connection.js';
import { holdsSecret, readsSecret } from '../vault/redact.js';

/** What the engine shares with every task of a run. */
export interface RunScope {
  registry: ModuleRegistry;
  dryRun: boolean;
  diff: boolean;
  /** `-v` count (debug's verbosity threshold); 0 unless the command line says otherwise. */
  verbosity?: number;
  emit: RunEventListener;
  /** The run of an inventory host, or of the implicit localhost; throws for a name it does not know. */
  hostRun(name: string): HostRun;
  /** Seconds a task may take unless it sets timeout: itself (0: no limit). */
  taskTimeout: number;
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
  // Without a loop (most tasks) the one item's outcome is the task's: no list, no carried facts.
  if (task.loop === undefined) return runItem(scope, run, play, task, module, itemVars(layers, task)[0].vars);
  const outcomes: ItemOutcome[] = [];
  // As Ansible's task executor: facts an item returns are variables of the items after it.
  const carried: Record<string, unknown> = {};
  for (const { vars, item } of itemVars(layers, task)) {
    const outcome = await runItem(scope, run, play, task, module, { ...vars, ...carried, [task.loopVar]: item });
    Object.assign(carried, factsOf(outcome.result) ?? {});
    outcomes.push({ ...outcome, item });
    if (outcome.status === 'failed' || outcome.status === 'unreachable') break;
  }
  const combined = combineItems(outcomes);
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

/** The host run whose connection a task uses: the task's host, another reached through delegate_to, or the same host reached as the task's connection keywords say. */
function targetOf(scope: RunScope, run: HostRun, task: TaskSpec, vars: Record<string, unknown>, origin: { what: string; location: SourceLocation }): HostRun {
  if (task.delegateTo !== undefined) return scope.hostRun(String(renderValue(task.delegateTo, vars, origin)));
  const keywords = task.remoteUser !== undefined || task.port !== undefined || task.connection !== undefined;
  if (!keywords && !connectionVariablesChanged(run, vars)) return run;
  return run.variant(connectionUnder(run.connection, task, { inventoryVars: run.host.vars, vars }, origin));
}

/**
 * The task's environment, as Ansible's _compute_environment_string: each mapping (or template of
 * one) rendered with the task's variables, outermost first, a later key winning. Reading a vault
 * value makes the task secret.
 */
function taskEnvironment(task: TaskSpec, vars: Record<string, unknown>, origin: { what: string; location: SourceLocation }): { env: Record<string, string>; secret: boolean } {
  if (task.environment === undefined || task.environment.length === 0) return NO_ENVIRONMENT;
  const env: Record<string, string> = {};
  let secret = false;
  for (const entry of task.environment) {
    const rendered = readsSecret(() => renderValue(entry, vars, origin));
    secret ||= rendered.secret;
    const value = rendered.value;
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new InputError(`environment must be a mapping of variable names to values, got ${JSON.stringify(value)}`, origin.location);
    for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new InputError(`environment variable name '${name}' is not valid`, origin.location);
      env[name] = typeof raw === 'string' ? raw : typeof raw === 'boolean' ? (raw ? 'True' : 'False') : raw === null || raw === undefined ? 'None' : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    }
  }
  return { env, secret };
}

/** A task without environment: shared by every such task, never changed. */
const NO_ENVIRONMENT: { env: Record<string, string>; secret: boolean } = Object.freeze({ env: Object.freeze({}), secret: false });

/** The host's transport with the task's environment exported for every command (and queued change) it runs. */
function withEnvironment(transport: HostTransport, env: Record<string, string>): HostTransport {
  const names = Object.keys(env);
  if (names.length === 0) return transport;
  const exports = `export ${names.map((name) => `${name}=${shellQuote(env[name])}`).join(' ')}; `;
  return delegating(transport, {
    exec: (command, options) => transport.exec(exports + command, options),
    // A subshell: the exports end with the step, which shares its script with other tasks' steps.
    queue: (step) => transport.queue({ ...step, script: `(${exports}${step.script}
)` }),
  });
}

/** A transport that passes everything to `transport` except the operations given in `overrides`. */
function delegating(transport: HostTransport, overrides: Partial<Pick<HostTransport, 'exec' | 'writeFile' | 'queue' | 'flush' | 'readFile' | 'streamFile'>>): HostTransport {
  return {
    get host() {
      return transport.host;
    },
    get stats() {
      return transport.stats;
    },
    get stepsQueued() {
      return transport.stepsQueued;
    },
    get stepsMade() {
      return transport.stepsMade;
    },
    exec: (command, options) => transport.exec(command, options),
    writeFile: (path, content, options) => transport.writeFile(path, content, options),
    queue: (step) => transport.queue(step),
    flush: () => transport.flush(),
    readFile: (path, privilege) => transport.readFile(path, privilege),
    streamFile: (path, privilege) => transport.streamFile(path, privilege),
    interrupt: () => transport.interrupt(),
    close: () => transport.close(),
    ...overrides,
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
  const origin = taskOrigin(task);
  if (!task.when.every((condition) => evaluateCondition(condition, vars, origin))) {
    return { status: 'skipped', message: 'condition false', result: { changed: false, skipped: true } };
  }
  let target: HostRun;
  let retry: { attempts: number; delayMs: number };
  let timeout: number;
  try {
    target = targetOf(scope, run, task, vars, origin);
    retry = retryPolicy(task, vars, origin);
    timeout = task.timeout === undefined ? scope.taskTimeout : wholeNumber(task.timeout, 'timeout', vars, origin);
  } catch (error) {
    return failure(error, task);
  }
  let outcome!: TaskOutcome;
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    outcome = await withTimeout(timeout, task, (deadline) => attemptItem(scope, run, target, play, task, module, vars, deadline));
    if (task.until === undefined || outcome.status === 'unreachable' || outcome.status === 'skipped') return outcome;
    outcome.result.attempts = attempt;
    const seen = { ...vars, ...outcome.result, ...(task.register ? { [task.register]: outcome.result } : {}) };
    try {
      if (task.until.every((condition) => evaluateCondition(condition, seen, origin))) return outcome;
    } catch (error) {
      return failure(error, task);
    }
    if (attempt < retry.attempts) {
      const left = retry.attempts - attempt;
      scope.emit({ type: 'task_retry', host: run.name, task: task.name, attempt, retriesLeft: left, message: task.noLog ? undefined : outcome.message });
      await new Promise((resolve) => setTimeout(resolve, retry.delayMs));
    }
  }
  // As Ansible 2.14: out of attempts, the result is failed and says how many retries it had.
  const attempts = retry.attempts > 1 ? retry.attempts - 1 : 1;
  return {
    ...outcome,
    status: 'failed',
    message: `the until condition still failed after ${retry.attempts} attempts${outcome.message ? `: ${outcome.message}` : ''}`,
    result: { ...outcome.result, attempts, failed: true },
  };
}

/**
 * What a task's messages name it by: one per task, not per host (and item and attempt), which
 * every host's run of it shares.
 */
const origins = new WeakMap<TaskSpec, { what: string; location: SourceLocation }>();
function taskOrigin(task: TaskSpec): { what: string; location: SourceLocation } {
  let origin = origins.get(task);
  if (!origin) origins.set(task, (origin = Object.freeze({ what: `task '${task.name}'`, location: task.location })));
  return origin;
}

/** A task without until: one attempt. */
const ONE_ATTEMPT = Object.freeze({ attempts: 1, delayMs: 0 });

/** Ansible's numbers: with until, retries defaults to 3 (four attempts), delay to 5 seconds. */
function retryPolicy(task: TaskSpec, vars: Record<string, unknown>, origin: { what: string; location: SourceLocation }): { attempts: number; delayMs: number } {
  if (task.until === undefined) return ONE_ATTEMPT;
  const retries = task.retries === undefined ? 3 : wholeNumber(task.retries, 'retries', vars, origin);
  const delay = task.delay === undefined ? 5 : wholeNumber(task.delay, 'delay', vars, origin);
  return { attempts: retries <= 0 ? 1 : retries + 1, delayMs: delay * 1000 };
}

/** A keyword that may be templated (retries: "{{ n }}"), as a whole number of at least 0. */
export function wholeNumber(value: number | string, what: string, vars: Record<string, unknown>, origin: { what: string; location: SourceLocation }): number {
  const rendered = typeof value === 'number' ? value : renderValue(value, vars, origin);
  const number = typeof rendered === 'number' ? rendered : typeof rendered === 'string' && /^\s*\d+\s*$/.test(rendered) ? Number(rendered) : NaN;
  if (!Number.isInteger(number) || number < 0) throw new InputError(`${what} must be a whole number of 0 or more, got ${JSON.stringify(rendered)}`, origin.location);
  return number;
}

/** Thrown into a task's remote command when its time is up. */
class TaskTimeout extends Error {
  override name = 'TaskTimeout';
}

/**
 * timeout: / --task-timeout: the task fails with Ansible's message when its time is up; its
 * remote command is killed (TERM, then KILL, to the whole process group) and it may not touch
 * the host again.
 */
async function withTimeout(seconds: number, task: TaskSpec, attempt: (deadline?: Deadline) => Promise<TaskOutcome>): Promise<TaskOutcome> {
  if (!seconds) return attempt();
  const controller = new AbortController();
  const deadline = { signal: controller.signal, at: Date.now() + seconds * 1000 };
  const message = `The ${task.module} action failed to execute in the expected time frame (${seconds}) and was terminated`;
  const timedOut: TaskOutcome = { status: 'failed', message, result: { failed: true, msg: message } };
  let timer: NodeJS.Timeout | undefined;
  // The host kills the command at the same deadline; on a busy controller its exit (124) may
  // arrive before the timer below runs: past the deadline, that is the timeout too.
  const running = attempt(deadline).then((outcome) => (Date.now() >= deadline.at ? timedOut : outcome));
  const expired = new Promise<TaskOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new TaskTimeout(message));
      // The host kills the command at the same deadline: give it a moment to report so the
      // next task starts once the command is gone.
      const settled = running.then(
        () => undefined,
        () => undefined,
      );
      void Promise.race([settled, new Promise((done) => setTimeout(done, KILL_GRACE_MS * 2.5))]).then(() => resolve(timedOut));
    }, seconds * 1000);
  });
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}

interface Deadline {
  signal: AbortSignal;
  at: number; // epoch ms
}

/** The host's transport as a task with a deadline sees it: every command is killed on the host at the deadline; none starts after it. */
function bounded(transport: HostTransport, deadline: Deadline | undefined): HostTransport {
  if (!deadline) return transport;
  const { signal } = deadline;
  const check = () => {
    if (signal.aborted) throw signal.reason;
  };
  return delegating(transport, {
    exec: async (command, options = { become: false }) => (check(), transport.exec(command, { ...options, signal, deadline: deadline.at })),
    writeFile: (path, content, options) => (check(), transport.writeFile(path, content, options)),
    queue: (step) => (check(), transport.queue(step)),
    flush: async () => (check(), transport.flush()),
    readFile: async (path, privilege) => (check(), transport.readFile(path, privilege)),
    streamFile: (path, privilege) => (check(), transport.streamFile(path, privilege)),
  });
}

/**
 * One attempt of one item: check, then apply. `target` is the host whose connection and facts
 * the task uses (itself, or the host it is delegated to); the variables stay the task host's.
 */
async function attemptItem(
  scope: RunScope,
  run: HostRun,
  target: HostRun,
  play: PlaySpec,
  task: TaskSpec,
  module: ModuleDefinition,
  vars: Record<string, unknown>,
  deadline?: Deadline,
): Promise<TaskOutcome> {
  const origin = taskOrigin(task);
  const privilege = taskPrivilege(target, play, task);
  if (target.connection.local) target.forgetFacts();
  const facts = target.facts(privilege);
  let args: Record<string, unknown>;
  let readVault = false;
  let environment: Record<string, string>;
  try {
    const rendered = renderTaskArgs(module, task.args, vars, origin);
    readVault = rendered.secret;
    args = rendered.args;
    const env = taskEnvironment(task, vars, origin);
    environment = env.env;
    readVault ||= env.secret;
  } catch (error) {
    return failure(error, task);
  }
  // A value from a vault in the arguments makes this task no_log: diffs as checksums, no messages.
  const noLog = task.noLog || readVault || holdsSecret(args);
  // A template that reads a vault value makes the file it renders a secret.
  const secretAware = <T>(render: () => T): T => {
    const rendered = readsSecret(render);
    if (rendered.secret) context.noLog = true;
    return rendered.value;
  };
  const context: ModuleContext = {
    host: target.name,
    user: privilege.become ? (privilege.becomeUser ?? 'root') : target.connection.user,
    vars,
    privilege,
    dryRun: scope.dryRun,
    diff: scope.diff,
    noLog,
    baseDir: task.baseDir ?? play.baseDir,
    facts,
    factsOf: (name) => scope.hostRun(name).facts(privilege),
    render: (text, what) => secretAware(() => renderTemplateFile(text, vars, { what, location: task.location }) as string),
    renderFile: (text, what) => secretAware(() => renderTemplateFilePieces(text, vars, { what, location: task.location })),
    progress: (message) => scope.emit({ type: 'task_progress', host: run.name, task: task.name, message }),
    changedPaths: () => [...target.changedPaths],
    evaluate: (condition) => evaluateCondition(condition, vars, origin),
    expression: (expression) => renderValue(`{{ ${expression} }}`, vars, origin),
    verbosity: scope.verbosity ?? 0,
  };
  try {
    const check = await module.check(args, context);
    if (check.failed || check.skipped) {
      // assert, fail, debug under its verbosity: decided by the check, in a dry-run alike.
      const status = check.failed ? 'failed' : 'skipped';
      const result = resultWith(check.result, false, status === 'failed');
      if (check.skipped) result.skipped = true;
      const outcome: TaskOutcome = { status, message: check.message, result };
      return judge(task, outcome, vars, origin, false);
    }
    const runsForReal = !scope.dryRun || task.checkMode === false || (module.freeForm === true && task.changedWhen === false);
    let outcome: TaskOutcome;
    if (check.changed && runsForReal) {
      const applyContext: ApplyContext = { ...context, transport: withEnvironment(bounded(target.transport, deadline), environment), transportOf: (name) => scope.hostRun(name).transport };
      const applied = await module.apply(args, check, applyContext);
      // A delegated task's changes are made before its result counts: they belong to another host's
      // queue. So are a task's on the controller, which every host with a local connection shares.
      if (target !== run || target.connection.local) {
        const queued = target.transport.stepsQueued;
        await applyContext.transport.flush();
        if (target.transport.stepsMade < queued) throw new Error(`a change queued on ${target.name} before this task's failed, so this task's was not made`);
      }
      // A command declared read-only (changed_when: false) leaves the cached facts valid.
      recordEffects(target, task.changedWhen === false ? { ...check, invalidatesFacts: false } : check, scope.dryRun);
      outcome = {
        status: applied.failed ? 'failed' : applied.changed ? 'changed' : 'ok',
        message: applied.message ?? check.message,
        diff: check.diff,
        result: { ...check.result, ...applied.result, changed: applied.changed, failed: applied.failed === true },
      };
    } else {
      if (check.changed) recordEffects(target, check, scope.dryRun, true);
      outcome = {
        status: check.changed ? 'changed' : 'ok',
        message: check.message,
        diff: check.diff,
        result: resultWith(check.result, check.changed, false),
      };
    }
    if (context.noLog) outcome.secret = true;
    if (target.name !== run.name) outcome = { ...outcome, message: `[delegated to ${target.name}]${outcome.message ? ` ${outcome.message}` : ''}` };
    return judge(task, outcome, vars, origin, scope.dryRun && !runsForReal);
  } catch (error) {
    if (error instanceof TaskTimeout) return failure(error, task);
    // The engine reports a failed queued change against the task that queued it.
    if (error instanceof InterruptedError) throw error;
    if (target === run && (error instanceof StepFailure || (error instanceof UnreachableError && run.pending.length > 0))) throw error;
    if (error instanceof UnreachableError) return { status: 'unreachable', message: error.message, result: { unreachable: true, msg: error.message } };
    return failure(error, task);
  }
}

/**
 * `{ ...result, changed, failed }`, as a spread makes it (own keys in order, changed and failed
 * last unless the result has them). This one site meets every module's result shape, where V8's
 * object spread falls back to its slow generic copy: a measurable part of every task's CPU.
 */
function resultWith(result: Record<string, unknown> | undefined, changed: boolean, failed: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (result) {
    for (const key of Object.keys(result)) {
      // Assigned, this name would set the prototype: only a spread defines it as a key.
      if (key === '__proto__') return { ...result, changed, failed };
      out[key] = result[key];
    }
    if (Object.getOwnPropertySymbols(result).length > 0) return { ...result, changed, failed };
  }
  out.changed = changed;
  out.failed = failed;
  return out;
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
  // Built only when a condition needs it: copying every variable for every task of every host is
  // a measurable share of a no-op run's CPU.
  let scopeVars: Record<string, unknown> | undefined;
  const holds = (rule: string[] | boolean) => {
    if (typeof rule === 'boolean') return rule;
    scopeVars ??= { ...vars, ...outcome.result, ...(task.register ? { [task.register]: outcome.result } : {}) };
    return rule.every((c) => evaluateCondition(c, scopeVars!, origin));
  };
  // As Ansible: failed_when decides failure, changed_when decides change, each on its own.
  const failed = task.failedWhen !== undefined ? holds(task.failedWhen) : outcome.status === 'failed';
  const changed = task.changedWhen !== undefined ? holds(task.changedWhen) : outcome.result.changed === true;
  const status = failed ? 'failed' : changed ? 'changed' : 'ok';
  // Nothing to change (most tasks): the outcome as it is, not a copy of it.
  if (status === outcome.status && outcome.result.changed === changed && outcome.result.failed === failed) return outcome;
  // A failed result keeps its changed flag (a command that ran and failed changed something), as Ansible's.
  return { ...outcome, status, result: { ...outcome.result, changed, failed } };
}

function failure(error: unknown, task: TaskSpec): TaskOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const where = error instanceof InputError ? '' : ` (${formatLocation(task.location)})`;
  return { status: 'failed', message: `${message}${where}`, result: { failed: true, msg: message } };
}
