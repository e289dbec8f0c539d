import type { ModuleRegistry } from '../modules/registry.js';
import type { PlaySpec, TaskSpec } from '../playbook/types.js';
import { Limiter } from '../util/limiter.js';
import type { TaskStatus } from './events.js';
import { HostRun } from './host-run.js';
import { IMPLICIT_LOCALHOST, implicitLocalhost } from '../inventory/localhost.js';
import type { RunOptions, RunSummary, Strategy } from './options.js';
import { forgetPrefetch, prefetchPlay } from './prefetch.js';
import { RunOnceGates } from './run-once.js';
import { failPending, recordResult, settle } from './results.js';
import { serialBatches } from './serial.js';
import { runTask, wholeNumber, type RunScope, type TaskOutcome } from './task.js';
import { buildHostvars, groupsRecord, taskVars, type VarLayers } from './vars.js';

/**
 * runbook's default strategy: linear, as Ansible. Every task finishes on every host of the
 * batch before the next starts, so a task reading another host's registered result or
 * hostvars sees the same thing on every run; the cost is measured in the README.
 */
export const DEFAULT_STRATEGY: Strategy = 'linear';

/** Hosts of each play in order, in serial batches; within a batch, tasks per the play's strategy, up to --forks hosts at once. */
export async function runPlaybooks(options: RunOptions, registry: ModuleRegistry): Promise<RunSummary> {
  const started = Date.now();
  const { inventory } = options;
  const runs = new Map<string, HostRun>();
  const hostRun = (name: string): HostRun => {
    let run = runs.get(name);
    if (!run) {
      const host = inventory.hosts.get(name) ?? (IMPLICIT_LOCALHOST.includes(name) ? implicitLocalhost(name) : undefined);
      if (!host) throw new Error(`host '${name}' is not in the inventory`);
      run = new HostRun(host, options);
      runs.set(name, run);
    }
    return run;
  };
  const scope: RunScope = { registry, dryRun: options.dryRun, diff: options.diff, emit: options.onEvent, hostRun, taskTimeout: options.taskTimeout ?? 0 };
  const hostvars = buildHostvars(inventory, options.extraVars);
  const groups = groupsRecord(inventory);
  const { plan } = options;
  const allHosts = [...new Set(plan.flatMap((p) => p.hosts))];
  for (const name of allHosts) hostRun(name);
  options.onEvent({
    type: 'run_start',
    hosts: allHosts,
    dryRun: options.dryRun,
    playbooks: options.playbookFiles,
    tasks: plan.reduce((n, p) => n + p.tasks.length, 0),
  });
  /** Hosts that failed (Ansible's _failed_hosts): max_fail_percentage counts them across the run. */
  const failedHosts = new Set<string>();
  /** A playbook whose play broke (any_errors_fatal, max_fail_percentage, a whole batch failed) runs no more plays. */
  const brokenPlaybooks = new Set<string>();

  try {
    for (const [index, { play, hosts, tasks }] of plan.entries()) {
      if (brokenPlaybooks.has(play.location.file)) continue;
      const active = hosts.filter((h) => !hostRun(h).stopped);
      options.onEvent({ type: 'play_start', play: play.name, index, hosts: active, tasks: tasks.length });
      const strategy = play.strategy ?? options.strategy ?? DEFAULT_STRATEGY;
      for (const batch of serialBatches(play, active, options.extraVars)) {
        const live = batch.filter((h) => !hostRun(h).stopped);
        if (live.length === 0) continue;
        const playBatch = new PlayBatch(scope, options, play, tasks, live, active, hostvars, groups, failedHosts);
        const broke = await playBatch.run(strategy);
        if (broke || live.every((h) => hostRun(h).stopped)) {
          brokenPlaybooks.add(play.location.file);
          break;
        }
      }
      options.onEvent({ type: 'play_end', play: play.name, index });
    }
  } finally {
    await Promise.all([...runs.values()].map((r) => r.transport.close()));
  }

  const recap = Object.fromEntries(allHosts.map((h) => [h, hostRun(h).recap]));
  const transport = Object.fromEntries(allHosts.map((h) => [h, { ...hostRun(h).transport.stats }]));
  options.onEvent({ type: 'recap', hosts: recap, transport, durationMs: Date.now() - started });
  const values = Object.values(recap);
  const exitCode = values.some((r) => r.unreachable) ? 3 : values.some((r) => r.failed > 0) ? 2 : 0;
  return { hosts: recap, exitCode };
}

/** One serial batch of one play: its tasks, then its handlers, on the batch's hosts. */
class PlayBatch {
  private readonly throttles = new Map<TaskSpec, Limiter>();
  /** Set when any_errors_fatal or max_fail_percentage ends the play for every host. */
  private broken = false;

  constructor(
    private readonly scope: RunScope,
    private readonly options: RunOptions,
    private readonly play: PlaySpec,
    private readonly tasks: TaskSpec[],
    private readonly hosts: string[],
    private readonly playHosts: string[],
    private readonly hostvars: Record<string, Record<string, unknown>>,
    private readonly groups: Record<string, string[]>,
    private readonly failedHosts: Set<string>,
  ) {}

  /** Returns true when the play broke and the playbook must stop. */
  async run(strategy: Strategy): Promise<boolean> {
    for (const host of this.hosts) prefetchPlay(this.scope, this.scope.hostRun(host), this.play, this.tasks, this.layersOf(host));
    await this.sequence(this.tasks, false, strategy);
    if (!this.broken) await this.sequence(this.play.handlers, true, strategy);
    return this.broken;
  }

  private layersOf(host: string): VarLayers {
    return {
      inventory: this.options.inventory,
      host,
      play: this.play,
      playHosts: this.playHosts.filter((h) => !this.scope.hostRun(h).stopped),
      playBatch: this.hosts.filter((h) => !this.scope.hostRun(h).stopped),
      registered: this.scope.hostRun(host).registered,
      extraVars: this.options.extraVars,
      hostvars: this.hostvars,
      groups: this.groups,
    };
  }

  /**
   * linear: each task on every live host of the batch before the next task starts.
   * free: each host runs through the tasks on its own.
   */
  private async sequence(items: TaskSpec[], handlers: boolean, strategy: Strategy): Promise<void> {
    const once = new RunOnceGates(this.hosts);
    const runs = this.hosts.map((h) => this.scope.hostRun(h));
    const wanted = (run: HostRun, item: TaskSpec) => !run.stopped && !this.broken && (!handlers || [item.name, ...item.listen].some((n) => run.notified.has(n)));
    if (strategy === 'free') {
      await forEachLimited(runs, this.options.forks, async (run) => {
        try {
          for (const [index, item] of items.entries()) {
            if (run.stopped || this.broken) break;
            if (wanted(run, item)) await this.execute(run, item, index, handlers, once);
          }
          await settle(this.scope, run);
        } finally {
          once.leave(run.name);
        }
      });
    } else {
      for (const [index, item] of items.entries()) {
        const live = runs.filter((run) => wanted(run, item));
        await forEachLimited(live, this.options.forks, (run) => this.execute(run, item, index, handlers, once));
        for (const run of runs) if (run.stopped) once.leave(run.name);
        if (this.broken) break;
      }
      await Promise.all(runs.map((run) => settle(this.scope, run)));
    }
    if (handlers) for (const run of runs) run.notified.clear();
  }

  private async execute(run: HostRun, task: TaskSpec, index: number, handler: boolean, once: RunOnceGates): Promise<void> {
    const throttle = this.throttleOf(task, run);
    const job = () => execute(this.scope, run, this.play, task, index, handler, this.layersOf(run.name), once, this.hostvars);
    const status = await (throttle ? throttle.run(job) : job());
    if (status === 'failed' || (run.stopped && !run.recap.unreachable && status !== 'unreachable')) this.failedHosts.add(run.name);
    if (run.stopped && !this.broken) this.checkThresholds(run, task, status);
  }

  /** any_errors_fatal (or a failed run_once task) and max_fail_percentage end the play for every host of the batch. */
  private checkThresholds(run: HostRun, task: TaskSpec, status: TaskStatus | undefined): void {
    const fatal = (task.anyErrorsFatal ?? this.play.anyErrorsFatal) || (task.runOnce && status === 'failed');
    const max = this.play.maxFailPercentage;
    const tooMany = max !== undefined && (this.failedHosts.size / this.hosts.length) * 100 > max;
    if (!fatal && !tooMany) return;
    this.broken = true;
    for (const name of this.hosts) {
      const other = this.scope.hostRun(name);
      if (!other.stopped) {
        other.stopped = true;
        this.failedHosts.add(name);
      }
    }
    const why = fatal ? `any_errors_fatal: ${run.name} failed '${task.name}'` : `max_fail_percentage ${max}% exceeded (${this.failedHosts.size} of ${this.hosts.length} hosts failed)`;
    this.scope.emit({ type: 'task_progress', host: run.name, task: task.name, message: `${why}; stopping every host of the play` });
  }

  /** throttle: at most N hosts run the task at once (rendered with the first host's variables). */
  private throttleOf(task: TaskSpec, run: HostRun): Limiter | undefined {
    if (task.throttle === undefined) return undefined;
    let limiter = this.throttles.get(task);
    if (!limiter) {
      const limit = wholeNumber(task.throttle, 'throttle', taskVars(this.layersOf(run.name), task), { what: `task '${task.name}'`, location: task.location });
      if (limit === 0) return undefined;
      this.throttles.set(task, (limiter = new Limiter(limit)));
    }
    return limiter;
  }
}

async function execute(
  scope: RunScope,
  run: HostRun,
  play: PlaySpec,
  task: TaskSpec,
  index: number,
  handler: boolean,
  layers: VarLayers,
  once: RunOnceGates,
  hostvars: Record<string, Record<string, unknown>>,
): Promise<TaskStatus | undefined> {
  if (task.runOnce) {
    // run_once: when another host ran it for everyone, this one only takes its registered result.
    const shared = await once.await(task, run.name).catch(() => null);
    if (shared !== undefined) {
      if (shared && task.register) register(run, task.register, shared.result, hostvars);
      return undefined;
    }
  }
  scope.emit({ type: 'task_start', host: run.name, play: play.name, task: task.name, index, handler });
  const started = Date.now();
  const pending = runTask(scope, run, play, task, layers);
  if (task.runOnce) once.done(task, pending);
  let outcome: TaskOutcome;
  try {
    outcome = await pending;
  } catch (error) {
    // A change queued by an earlier task failed when this one reached the host.
    if (failPending(scope, run, error)) return 'failed';
    outcome = { status: 'failed', message: error instanceof Error ? error.message : String(error), result: { failed: true } };
  }
  if (outcome.status === 'failed' && task.ignoreErrors) {
    outcome = { ...outcome, status: 'ok', message: `failed, ignored: ${outcome.message ?? ''}` };
  }
  if (outcome.status === 'unreachable' && task.ignoreUnreachable) {
    // As Ansible: counted ok (and ignored); the host stays in the play.
    outcome = { ...outcome, status: 'ok', message: `unreachable, ignored: ${outcome.message ?? ''}` };
  }
  forgetPrefetch(run, task);
  if (task.register) register(run, task.register, outcome.result, hostvars);
  if (outcome.status === 'changed') for (const name of task.notify) run.notified.add(name);
  if (outcome.status === 'failed' || outcome.status === 'unreachable') run.stopped = true;
  recordResult(scope, run, play, task, index, handler, outcome, started);
  return outcome.status;
}

function register(run: HostRun, name: string, result: Record<string, unknown>, hostvars: Record<string, Record<string, unknown>>): void {
  run.registered[name] = result;
  hostvars[run.name][name] = result;
}

async function forEachLimited<T>(items: T[], limit: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await job(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
