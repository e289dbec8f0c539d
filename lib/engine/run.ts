import type { ModuleRegistry } from '../modules/registry.js';
import type { PlaySpec, TaskSpec } from '../playbook/types.js';
import { HostRun } from './host-run.js';
import type { RunOptions, RunSummary } from './options.js';
import { forgetPrefetch, prefetchPlay } from './prefetch.js';
import { RunOnceGates } from './run-once.js';
import { failPending, recordResult, settle } from './results.js';
import { runTask, type RunScope, type TaskOutcome } from './task.js';
import { buildHostvars, groupsRecord, type VarLayers } from './vars.js';

/** Hosts of each play in order; within a play every host runs its tasks in order, up to --forks hosts at once. */
export async function runPlaybooks(options: RunOptions, registry: ModuleRegistry): Promise<RunSummary> {
  const started = Date.now();
  const { inventory } = options;
  const runs = new Map<string, HostRun>();
  const hostRun = (name: string): HostRun => {
    let run = runs.get(name);
    if (!run) {
      run = new HostRun(inventory.hosts.get(name)!, options);
      runs.set(name, run);
    }
    return run;
  };
  const scope: RunScope = { registry, dryRun: options.dryRun, diff: options.diff, verbosity: options.verbosity ?? 0, emit: options.onEvent, hostRun };
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

  try {
    for (const [index, { play, hosts, tasks }] of plan.entries()) {
      const active = hosts.filter((h) => !hostRun(h).stopped);
      options.onEvent({ type: 'play_start', play: play.name, index, hosts: active, tasks: tasks.length });
      const layersOf = (host: string): VarLayers => ({
        inventory,
        host,
        play,
        playHosts: active,
        registered: hostRun(host).registered,
        extraVars: options.extraVars,
        hostvars,
        groups,
      });
      const once = new RunOnceGates(active);
      await forEachLimited(active, options.forks, async (host) => {
        const run = hostRun(host);
        prefetchPlay(scope, run, play, tasks, layersOf(host));
        try {
          for (const [taskIndex, task] of tasks.entries()) {
            if (run.stopped) break;
            await execute(scope, run, play, task, taskIndex, false, layersOf(host), once, hostvars);
          }
          await settle(scope, run);
        } finally {
          once.leave(host);
        }
      });
      const handlersOnce = new RunOnceGates(active);
      await forEachLimited(active, options.forks, async (host) => {
        const run = hostRun(host);
        try {
          await runHandlers(scope, run, play, layersOf(host), handlersOnce, hostvars);
        } finally {
          handlersOnce.leave(host);
        }
      });
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

/** Handlers in the order they are defined, once each, on a host that notified them. */
async function runHandlers(scope: RunScope, run: HostRun, play: PlaySpec, layers: VarLayers, once: RunOnceGates, hostvars: Record<string, Record<string, unknown>>): Promise<void> {
  for (const [index, handler] of play.handlers.entries()) {
    if (run.stopped) break;
    if (![handler.name, ...handler.listen].some((n) => run.notified.has(n))) continue;
    await execute(scope, run, play, handler, index, true, layers, once, hostvars);
  }
  await settle(scope, run);
  run.notified.clear();
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
): Promise<void> {
  if (task.runOnce) {
    // run_once: when another host ran it for everyone, this one only takes its registered result.
    const shared = await once.await(task, run.name).catch(() => null);
    if (shared !== undefined) {
      if (shared && task.register) register(run, task.register, shared.result, hostvars);
      return;
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
    if (failPending(scope, run, error)) return;
    outcome = { status: 'failed', message: error instanceof Error ? error.message : String(error), result: { failed: true } };
  }
  if (outcome.status === 'failed' && task.ignoreErrors) {
    outcome = { ...outcome, status: outcome.result.changed === true ? 'changed' : 'ok', ignored: true, message: `failed, ignored: ${outcome.message ?? ''}` };
  }
  forgetPrefetch(run, task);
  if (task.register) register(run, task.register, outcome.result, hostvars);
  if (outcome.status === 'changed') for (const name of task.notify) run.notified.add(name);
  if (outcome.status === 'failed' || outcome.status === 'unreachable') run.stopped = true;
  recordResult(scope, run, play, task, index, handler, outcome, started);
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
