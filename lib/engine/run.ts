import type { ModuleRegistry } from '../modules/registry.js';
import type { PlaySpec, TaskSpec } from '../playbook/types.js';
import { exitCodeFor } from './exit-code.js';
import { HostRun } from './host-run.js';
import { HostPlayIterator } from './iterator.js';
import type { RunOptions, RunSummary } from './options.js';
import { prefetchPlay } from './prefetch.js';
import { gatherFacts, wantGatheredFacts } from './gather.js';
import { RunOnceScopes } from './run-once.js';
import { runHostPlay, type PlayRun } from './step.js';
import type { RunScope } from './task.js';
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
  const aborted = () => options.signal?.aborted === true;
  const scope: RunScope = { registry, dryRun: options.dryRun, diff: options.diff, verbosity: options.verbosity ?? 0, emit: options.onEvent, hostRun, aborted };
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
      void run.transport.interrupt();
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

  try {
    for (const [index, { play, hosts, body, tasks }] of plan.entries()) {
      if (aborted()) break;
      const active = hosts.filter((h) => !hostRun(h).stopped);
      options.onEvent({ type: 'play_start', play: play.name, index, hosts: active, tasks: tasks.length });
      const layersOf = (host: string): VarLayers => ({
        inventory,
        host,
        play,
        playHosts: active,
        registered: hostRun(host).registered,
        facts: hostRun(host).gathered,
        included: hostRun(host).included,
        extraVars: options.extraVars,
        hostvars,
        groups,
      });
      const playRun: PlayRun = { scope, play, layersOf, once: new RunOnceScopes(active), hostvars, taskIndex: indexOfTasks(tasks, play), ended: false };
      await forEachLimited(active, options.forks, async (host) => {
        const run = hostRun(host);
        wantGatheredFacts(run, play);
        prefetchPlay(scope, run, play, tasks, layersOf(host));
        try {
          if (play.gatherFacts) {
            await gatherFacts(scope, run, play, hostvars[host], options.extraVars);
            // Tasks that read facts render now: their facts join the next probe.
            prefetchPlay(scope, run, play, tasks, layersOf(host));
          }
          if (!run.stopped) await runHostPlay(playRun, run, new HostPlayIterator(body));
        } finally {
          playRun.once.leave(host);
        }
      });
      options.onEvent({ type: 'play_end', play: play.name, index });
    }
  } finally {
    finished = true;
    options.signal?.removeEventListener('abort', interruptHosts);
    await Promise.all([...runs.values()].map((r) => r.transport.close()));
  }

  const recap = Object.fromEntries(allHosts.map((h) => [h, hostRun(h).recap]));
  const transport = Object.fromEntries(allHosts.map((h) => [h, { ...hostRun(h).transport.stats }]));
  options.onEvent({ type: 'recap', hosts: recap, transport, durationMs: Date.now() - started });
  return { hosts: recap, exitCode: exitCodeFor(recap) };
}

/** Position of each task in the play, for progress counts; handlers by their own order. */
function indexOfTasks(tasks: TaskSpec[], play: PlaySpec): Map<TaskSpec, number> {
  return new Map([...play.handlers.map((t, i) => [t, i] as const), ...tasks.map((t, i) => [t, i] as const)]);
}

async function forEachLimited<T>(items: T[], limit: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await job(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
