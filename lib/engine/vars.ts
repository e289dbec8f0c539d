import type { Inventory } from '../inventory/types.js';
import { InputError } from '../errors.js';
import type { PlaySpec, TaskSpec } from '../playbook/types.js';
import { renderValue } from '../template/index.js';

/**
 * Variable precedence, lowest first (the documented order, as Ansible's for this subset):
 * inventory all < parent group < child group < host (merged by the inventory loader),
 * then play vars < task vars < registered results < extra vars (-e).
 */
export interface VarLayers {
  inventory: Inventory;
  host: string;
  play: PlaySpec;
  playHosts: string[];
  /** The hosts of this serial batch (all of playHosts without serial). */
  playBatch?: string[];
  registered: Record<string, unknown>;
  extraVars: Record<string, unknown>;
  hostvars: Record<string, Record<string, unknown>>;
  groups: Record<string, string[]>;
}

export function taskVars(layers: VarLayers, task?: TaskSpec, loop?: { name: string; item: unknown; index: number }): Record<string, unknown> {
  const host = layers.inventory.hosts.get(layers.host)!;
  const vars: Record<string, unknown> = {
    ...host.vars,
    ...layers.play.vars,
    ...(task?.vars ?? {}),
    ...layers.registered,
    ...layers.extraVars,
    inventory_hostname: layers.host,
    inventory_hostname_short: layers.host.split('.')[0],
    group_names: host.groups.filter((g) => g !== 'all' && g !== 'ungrouped'),
    groups: layers.groups,
    hostvars: layers.hostvars,
    play_hosts: layers.playBatch ?? layers.playHosts,
    ansible_play_hosts: layers.playHosts,
    ansible_play_batch: layers.playBatch ?? layers.playHosts,
    playbook_dir: layers.play.baseDir,
    ansible_check_mode: false,
  };
  if (loop) {
    vars[loop.name] = loop.item;
    vars.ansible_loop = { index: loop.index + 1, index0: loop.index };
  }
  return vars;
}

/** hostvars: every host's inventory vars with extra vars on top, as other hosts' tasks see them. */
export function buildHostvars(inventory: Inventory, extraVars: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const [name, host] of inventory.hosts) hostvars[name] = { ...host.vars, ...extraVars, inventory_hostname: name };
  return hostvars;
}

export function groupsRecord(inventory: Inventory): Record<string, string[]> {
  return Object.fromEntries(inventory.groups);
}

/** The variables of each loop item of a task (one entry, without item, when it has no loop). */
export function itemVars(layers: VarLayers, task: TaskSpec): Array<{ vars: Record<string, unknown>; item?: unknown }> {
  const vars = taskVars(layers, task);
  if (task.loop === undefined) return [{ vars }];
  const items = renderValue(task.loop, vars, { what: `task '${task.name}'`, location: task.location });
  if (!Array.isArray(items)) throw new InputError(`loop of task '${task.name}' must be a list, got ${JSON.stringify(items)}`, task.location);
  return items.map((item, index) => ({ item, vars: taskVars(layers, task, { name: task.loopVar, item, index }) }));
}
