import { IMPLICIT_LOCALHOST, implicitLocalhost } from '../inventory/localhost.js';
import type { ModuleRegistry } from '../modules/registry.js';
import type { PlayEntry, PlaySpec, TaskSpec } from '../playbook/types.js';
import type { TagFilter } from '../playbook/tags.js';
import { Limiter } from '../util/limiter.js';
import type { TaskStatus } from './events.js';
import { exitCodeFor } from './exit-code.js';
import { HostRun } from './host-run.js';
import { HostPlayIterator, type IteratorStep, type Section } from './iterator.js';
import type { RunOptions, RunSummary, Strategy } from './options.js';
import { prefetchPlay } from './prefetch.js';
import { gatherFacts, wantGatheredFacts } from './gather.js';
import { RunOnceScopes } from './run-once.js';
import { settle } from './results.js';
import { serialBatches } from './serial.js';
import { execute, runHostPlay, takeStep, type PlayRun } from './step.js';
import { wholeNumber, type RunScope } from './task.js';
import { playConnection, rememberPlayConnectionVariables } from './connection.js';
import { closeEarly } from './early.js';
import { buildHostvars, groupsRecord, taskVars, type VarLayers } from './vars.js';

/**
 * runbook's default strategy: linear, as Ansible. Every task finishes on every host of the
 * batch before the next starts, so a task reading another host's registered result or
 * hostvars sees the same thing on every run; its cost is measured in the README.
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
  const aborted = () => options.signal?.aborted === true;
  const scope: RunScope = { registry, dryRun: options.dryRun, diff: options.diff, verbosity: options.verbosity ?? 0, emit: options.onEvent, hostRun, taskTimeout: options.taskTimeout ?? 0, aborted };
  const hostvars = buildHostvars(inventory, options.extraVars);
  const groups = groupsRecord(inventory);
  const { plan } = options;
  const allHosts = [...new Set(plan.flatMap((p) => p.hosts))];
  for (const name of allHosts) hostRun(name);
  // An interrupt: hosts with work left are marked, what runs on them is stopped, no task starts after it.
  let finished = false;
  const interruptHosts = () => {
    if (finished) return;
    for (const run of runs.values()) {
      if (!run.stopped) run.recap.interrupted = true;
      for (const transport of run.allTransports()) void transport.interrupt();
    }
  };
  options.signal?.addEventListener('abort', interruptHosts, { once: true });
  if (aborted()) interruptHosts();
  options.onEvent({
    type: 'run_start',
    hosts: allHosts,
    dryRun: options.dryRun,
    playbooks: options.playbookFiles,
    tasks: plan.reduce((n, p) => n + p.tasks.length, 0),
  });
  /** Hosts that failed (Ansible's _failed_hosts): max_fail_percentage counts them across the run. */
  const failedHosts = new Set<string>();
  /** A playbook whose play broke (any_errors_fatal, max_fail_percentage, a whole batch failed) runs no more plays, as Ansible. */
  const brokenPlaybooks = new Set<string>();

  try {
    for (const [index, { play, hosts, body, tasks, tagFilter }] of plan.entries()) {
      if (aborted()) break;
      if (brokenPlaybooks.has(play.location.file)) continue;
      const active = hosts.filter((h) => !hostRun(h).stopped);
      await reach(options, [index, -1]);
      options.onEvent({ type: 'play_start', play: play.name, index, hosts: active, tasks: tasks.length });
      const strategy = play.strategy ?? options.strategy ?? DEFAULT_STRATEGY;
      for (const [batchIndex, batch] of serialBatches(play, active, options.extraVars).entries()) {
        if (aborted()) break;
        const live = batch.filter((h) => !hostRun(h).stopped);
        const point = [index, batchIndex];
        const ended =
          live.length > 0 &&
          ((await new PlayBatch(scope, options, play, body, tasks, live, active, hostvars, groups, failedHosts, tagFilter ?? { tags: [], skipTags: [] }, point).run(strategy)) ||
            live.every((h) => hostRun(h).stopped));
        // Threads with a slice of the hosts: the playbook ends when it ended for every one that had
        // hosts here (after each thread's end of the batch, [...point, Infinity]).
        const ends = options.coordinator ? ((await options.coordinator.meet([...point, Infinity, Infinity], live.length > 0 ? ended : undefined)) ?? false) : ended;
        if (ends) {
          brokenPlaybooks.add(play.location.file);
          break;
        }
      }
      await reach(options, [index, Infinity]);
      options.onEvent({ type: 'play_end', play: play.name, index });
    }
  } finally {
    finished = true;
    options.signal?.removeEventListener('abort', interruptHosts);
    closeEarly(options.opened);
    await Promise.all([...runs.values()].flatMap((r) => r.allTransports().map((t) => t.close())));
    options.fileRecords?.save();
  }

  const recap = Object.fromEntries(allHosts.map((h) => [h, hostRun(h).recap]));
  const transport = Object.fromEntries(allHosts.map((h) => [h, hostRun(h).stats]));
  options.onEvent({ type: 'recap', hosts: recap, transport, durationMs: Date.now() - started });
  return { hosts: recap, exitCode: exitCodeFor(recap) };
}

/** With other threads running other hosts: the events from here on belong to `point` (RunOptions.coordinator). */
async function reach(options: RunOptions, point: number[], order?: 'hosts' | 'arrival'): Promise<void> {
  const wait = options.coordinator?.at(point, order);
  if (wait) await wait;
}

/** Position of each task in the play, for progress counts; handlers by their own order. */
function indexOfTasks(tasks: TaskSpec[], play: PlaySpec): Map<TaskSpec, number> {
  return new Map([...play.handlers.map((t, i) => [t, i] as const), ...tasks.map((t, i) => [t, i] as const)]);
}

/** Order of a lock-step round when hosts are in different sections, as Ansible's linear strategy. */
const SECTION_ORDER: Record<Section, number> = { block: 0, rescue: 1, always: 2 };

/** One serial batch of one play: its tasks, then its handlers, on the batch's hosts. */
class PlayBatch {
  private readonly throttles = new Map<TaskSpec, Limiter | undefined>();
  /** Set when any_errors_fatal or max_fail_percentage ends the play for every host of the batch. */
  private broken = false;

  constructor(
    private readonly scope: RunScope,
    private readonly options: RunOptions,
    private readonly play: PlaySpec,
    private readonly body: PlayEntry[],
    private readonly tasks: TaskSpec[],
    private readonly hosts: string[],
    private readonly playHosts: string[],
    private readonly hostvars: Record<string, Record<string, unknown>>,
    private readonly groups: Record<string, string[]>,
    private readonly failedHosts: Set<string>,
    private readonly tagFilter: TagFilter,
    /** [play, batch]: where this batch is in the run, for meeting other threads (RunOptions.coordinator). */
    private readonly point: number[],
  ) {}

  /** With other threads running other hosts: the events from here on belong to this point of the batch. */
  private reach(rest: number[], order?: 'hosts' | 'arrival'): Promise<void> {
    return reach(this.options, [...this.point, ...rest], order);
  }

  /** Returns true when the play broke and the playbook must stop. */
  async run(strategy: Strategy): Promise<boolean> {
    const runs = this.hosts.map((h) => this.scope.hostRun(h));
    await this.reach([0]);
    for (const run of runs) {
      // The play's remote_user, port and connection, where the host's inventory variables do not set them.
      const vars = taskVars(this.layersOf(run.name));
      run.useConnection(playConnection(run.host.connection, this.play, { inventoryVars: run.host.vars, vars }));
      rememberPlayConnectionVariables(run, vars);
      wantGatheredFacts(run, this.play);
      prefetchPlay(this.scope, run, this.play, this.tasks, this.layersOf(run.name));
    }
    if (this.play.gatherFacts) {
      // Every host of the batch gathers first, as Ansible's implicit setup task.
      await forEachLimited(runs, this.options.forks, async (run) => {
        await gatherFacts(this.scope, run, this.play, this.hostvars[run.name], this.options.extraVars);
        // Tasks that read facts render now: their facts join the next probe.
        prefetchPlay(this.scope, run, this.play, this.tasks, this.layersOf(run.name));
      });
    }
    // Handlers run at the play's flush points (meta: flush_handlers), which the iterators hand out like tasks.
    const playRun = this.playRun();
    if (strategy === 'free') {
      await this.reach([1], 'arrival');
      await this.free(playRun, runs);
    } else await this.linear(playRun, runs);
    return this.broken;
  }

  private playRun(): PlayRun {
    return {
      scope: this.scope,
      play: this.play,
      layersOf: (host) => this.layersOf(host),
      once: new RunOnceScopes(this.hosts),
      hostvars: this.hostvars,
      taskIndex: indexOfTasks(this.tasks, this.play),
      ended: false,
      tagFilter: this.tagFilter,
      throttle: (task, run) => this.throttleOf(task, run),
      afterTask: (run, task, status, rescued) => this.afterTask(run, task, status, rescued),
    };
  }

  private liveHosts?: { stopChanges: number; playHosts: string[]; playBatch: string[] };

  private layersOf(host: string): VarLayers {
    if (this.liveHosts?.stopChanges !== HostRun.stopChanges) {
      const live = (hosts: string[]) => hosts.filter((h) => !this.scope.hostRun(h).stopped);
      this.liveHosts = { stopChanges: HostRun.stopChanges, playHosts: live(this.playHosts), playBatch: live(this.hosts) };
    }
    const run = this.scope.hostRun(host);
    return {
      inventory: this.options.inventory,
      host,
      play: this.play,
      playHosts: this.liveHosts.playHosts,
      playBatch: this.liveHosts.playBatch,
      registered: run.registered,
      facts: run.gathered,
      included: run.included,
      extraVars: this.options.extraVars,
      hostvars: this.hostvars,
      groups: this.groups,
      history: run,
    };
  }

  /** free: each host runs through its play on its own. */
  private async free(playRun: PlayRun, runs: HostRun[]): Promise<void> {
    await forEachLimited(runs, this.options.forks, async (run) => {
      try {
        await runHostPlay(playRun, run, new HostPlayIterator(this.body));
      } finally {
        playRun.once.leave(run.name);
      }
    });
  }

  /**
   * linear: rounds in lock step. Each host's next task is taken; hosts at the same task run it
   * together, and no host starts its next task before every host of the round ended this one.
   * Hosts in different sections (one rescuing) run in Ansible's order: block, rescue, always.
   */
  private async linear(playRun: PlayRun, runs: HostRun[]): Promise<void> {
    const iterators = new Map(runs.map((run) => [run, new HostPlayIterator(this.body)]));
    // Each host's place in the play, looked up rather than searched for (10,000 hosts: an
    // indexOf per comparison made the round's sort a fifth of the run).
    const position = new Map(runs.map((run, index) => [run, index]));
    for (let round = 1; ; round++) {
      await this.reach([round]);
      const steps: Array<{ run: HostRun; step: Extract<IteratorStep, { kind: 'task' }> }> = [];
      await Promise.all(
        runs.map(async (run) => {
          const iterator = iterators.get(run)!;
          for (;;) {
            if (run.stopped || playRun.ended || this.broken || this.scope.aborted?.()) iterator.end();
            const step = iterator.next();
            if (!step) return;
            if (step.kind === 'task') return void steps.push({ run, step });
            await takeStep(playRun, run, iterator, step);
          }
        }),
      );
      if (steps.length === 0) break;
      // The round's tasks in the order hosts first reached them, then by section (a stable sort).
      const byTask = new Map<TaskSpec, typeof steps>();
      for (const step of steps) {
        const same = byTask.get(step.step.task);
        if (same) same.push(step);
        else byTask.set(step.step.task, [step]);
      }
      const order = [...byTask].sort(([, a], [, b]) => SECTION_ORDER[a[0].step.section] - SECTION_ORDER[b[0].step.section]);
      for (const [ordinal, [task, at]] of order.entries()) {
        const together = at.sort((a, b) => position.get(a.run)! - position.get(b.run)!);
        const section = SECTION_ORDER[together[0].step.section];
        // Other threads' hosts at this task: their results shown with these. (Two tasks in one
        // section of a round, hosts of one include and of another, are told apart by their
        // order in this thread's round.)
        const where = [round, section, ordinal];
        await this.reach(where);
        if (task.implicit && task.module === 'meta') await this.flushInStep(playRun, task, together.map((r) => r.run), where);
        else await forEachLimited(together, this.options.forks, ({ run, step }) => takeStep(playRun, run, iterators.get(run)!, step));
      }
      for (const run of runs) if (run.stopped) playRun.once.leave(run.name);
    }
    await this.reach([Infinity]);
    for (const [run, iterator] of iterators) {
      // Ended early (end_host, end_play): what it queued is still made, and a failure there fails the host.
      await settle(this.scope, run, () => {
        run.stopped = true;
        return false;
      });
      if (iterator.failed) run.stopped = true;
      playRun.once.leave(run.name);
    }
  }

  /**
   * A flush point under linear, as Ansible: each handler on every host that notified it (in
   * inventory order) before the next handler; a failed handler fails its host.
   */
  private async flushInStep(playRun: PlayRun, point: TaskSpec, runs: HostRun[], where: number[]): Promise<void> {
    const gates = playRun.once.of(point);
    const fails = (run: HostRun) => () => {
      run.stopped = true;
      return false;
    };
    try {
      await Promise.all(runs.map((run) => settle(this.scope, run, fails(run))));
      // A notification reaches every handler named or listening so: consumed once all of them had their turn.
      const consumed = new Map(runs.map((run) => [run, new Set<string>()]));
      for (const [index, handler] of this.play.handlers.entries()) {
        const names = [handler.name, ...handler.listen];
        const notified = runs.filter((run) => !run.stopped && !this.broken && names.some((n) => run.notified.has(n)));
        // Each handler on every thread's hosts shown before the next handler.
        await this.reach([...where, index]);
        for (const run of notified) for (const name of names) consumed.get(run)!.add(name);
        await forEachLimited(notified, this.options.forks, (run) => execute(playRun, run, handler, gates, true, fails(run)));
      }
      await this.reach([...where, Infinity]);
      for (const [run, names] of consumed) for (const name of names) run.notified.delete(name);
      await Promise.all(runs.map((run) => settle(this.scope, run, fails(run))));
    } finally {
      for (const run of runs) gates.leave(run.name);
    }
  }

  /** any_errors_fatal (or a failed run_once task) and max_fail_percentage end the play for every host of the batch. */
  private afterTask(run: HostRun, task: TaskSpec, status: TaskStatus, rescued: boolean): void {
    const failed = status === 'failed' && !rescued;
    if (failed) this.failedHosts.add(run.name);
    if (this.broken || (!failed && status !== 'unreachable')) return;
    const fatal = (task.anyErrorsFatal ?? this.play.anyErrorsFatal) || (task.runOnce && failed);
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

  /** throttle: at most N hosts run the task at once (rendered with the first host's variables; 0: no limit). */
  private throttleOf(task: TaskSpec, run: HostRun): Limiter | undefined {
    if (task.throttle === undefined) return undefined;
    if (!this.throttles.has(task)) {
      const limit = wholeNumber(task.throttle, 'throttle', taskVars(this.layersOf(run.name), task), { what: `task '${task.name}'`, location: task.location });
      this.throttles.set(task, limit === 0 ? undefined : new Limiter(limit));
    }
    return this.throttles.get(task);
  }
}

async function forEachLimited<T>(items: T[], limit: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await job(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
