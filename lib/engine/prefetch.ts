import type { PlaySpec, TaskSpec } from '../playbook/types.js';
import { evaluateCondition, renderValue } from '../template/index.js';
import { moduleArgs, rememberedTaskArgs } from './args.js';
import { lookAhead } from './include.js';
import type { HostRun } from './host-run.js';
import { taskPrivilege, type RunScope } from './task.js';
import { itemVars, type VarLayers } from './vars.js';

/**
 * Before a host's first task, render every task it can already render and ask each module
 * which facts its check will need, so the whole play's checks cost one probe round trip.
 * A task that depends on a result not known yet is skipped here and fetched when it runs.
 */
export function prefetchPlay(scope: RunScope, run: HostRun, play: PlaySpec, tasks: TaskSpec[], layers: VarLayers): void {
  prefetchTasks(scope, run, play, [...tasks, ...play.handlers], layers);
}

/** The facts these tasks' checks will need, wanted now: they join the host's next probe (a dynamic include's tasks too). */
export function prefetchTasks(scope: RunScope, run: HostRun, play: PlaySpec, tasks: TaskSpec[], layers: VarLayers): void {
  // On the controller (a local connection) every task reads the facts it needs when it runs: other hosts' tasks may change the controller in between.
  if (run.connection.local) return;
  for (const task of tasks) {
    // The tasks an include will load join this probe when their file and items are known now.
    if (task.includeTasks && !run.prefetched.has(task)) {
      run.prefetched.set(task, []);
      prefetchTasks(scope, run, play, lookAhead(task, layers).filter((t) => !run.prefetched.has(t)), layers);
      continue;
    }
    const module = scope.registry.get(task.module);
    // A delegated task asks another host, a task with its own connection keywords another login; their facts are fetched when they run.
    if (!module?.prefetch || task.delegateTo !== undefined || task.remoteUser !== undefined || task.port !== undefined || task.connection !== undefined) continue;
    try {
      for (const { vars } of itemVars(layers, task)) {
        if (!task.when.every((condition) => evaluateCondition(condition, vars))) continue;
        const args = rememberedTaskArgs(module, task.args, vars) ?? moduleArgs(module, renderableArgs(task.args, vars));
        const cache = run.facts(taskPrivilege(run, play, task));
        const requests = module.prefetch(args, { host: run.name, baseDir: task.baseDir ?? play.baseDir });
        cache.want(requests);
        const asked = run.prefetched.get(task);
        if (asked) asked.push({ cache, requests });
        else run.prefetched.set(task, [{ cache, requests }]);
      }
    } catch {
      // Not renderable yet (needs a registered result): its facts are fetched when it runs.
    }
  }
}

/**
 * The arguments that render now. A copy whose content reads a registered result still has a
 * known dest, and the dest is all its prefetch needs.
 */
function renderableArgs(args: Record<string, unknown>, vars: Record<string, unknown>): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    try {
      rendered[name] = renderValue(value, vars);
    } catch {
      // left out: not known before an earlier task runs
    }
  }
  return rendered;
}

/** Once a task has run, a later command need not make the host answer its questions again. */
export function forgetPrefetch(run: HostRun, task: TaskSpec): void {
  for (const { cache, requests } of run.prefetched.get(task) ?? []) cache.unwant(requests);
  run.prefetched.delete(task);
}
