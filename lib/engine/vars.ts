import { withPlaybookDir } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';
import { InputError, type SourceLocation } from '../errors.js';
import type { PlaySpec, TaskSpec } from '../playbook/types.js';
import { roleDefaults, roleVars } from '../playbook/roles.js';
import { renderValue } from '../template/index.js';

/**
 * Variable precedence, lowest first (as Ansible 2.14's VariableManager.get_vars):
 * the play's roles' defaults < the task's role's defaults < inventory all < parent group < child
 * group < group_vars/ < host < host_vars/ (merged by the inventory loader, with the play's playbook
 * folder: see withPlaybookDir), then host facts (setup, `ansible_facts` of modules) < play vars <
 * the play's roles' vars < the task's role's vars < block and task vars < include_vars < set_fact
 * and registered results (one layer: the later one wins) < role params < include params < extra vars (-e).
 */
export interface VarLayers {
  inventory: Inventory;
  host: string;
  play: PlaySpec;
  playHosts: string[];
  /** The hosts of this serial batch (all of playHosts without serial). */
  playBatch?: string[];
  /** set_fact and registered results of this host, in the order they were set. */
  registered: Record<string, unknown>;
  /** Host facts: gathered by setup or returned as `ansible_facts` by other modules. */
  facts?: Record<string, unknown>;
  /** Variables from include_vars. */
  included?: Record<string, unknown>;
  extraVars: Record<string, unknown>;
  hostvars: Record<string, Record<string, unknown>>;
  groups: Record<string, string[]>;
  /** The changes of registered, facts and included (a HostRun): without it they never change. */
  history?: VarsHistory;
}

/** How the layers that tasks change (registered, facts, included) changed: see HostRun.setVars. */
export interface VarsHistory {
  readonly varsVersion: number;
  /** The names set in registered or included since `version`; undefined when facts changed too, or when it cannot say. */
  varsChangedSince(version: number): readonly string[] | undefined;
}

/**
 * The variables a task sees on a host. The object is shared (kept per host and brought up to date
 * for the next task: see ScopeMemo): its users must not change it, nor keep it past their task.
 */
export function taskVars(layers: VarLayers, task?: TaskSpec, loop?: { name: string; item: unknown; index: number; items?: unknown[] }): Record<string, unknown> {
  const base = scopeOf(layers, task);
  if (!loop) return base;
  const vars: Record<string, unknown> = { ...base };
  vars[loop.name] = loop.item;
  if (task?.indexVar) vars[task.indexVar] = loop.index;
  vars.ansible_loop = loop.items && task?.loopExtended ? extendedLoop(loop.items, loop.index) : { index: loop.index + 1, index0: loop.index };
  return vars;
}

/**
 * The scopes last built for a host's layers, and what each was built from. Building one copies
 * every variable of every layer, and registered results and set_fact grow with the play: built
 * afresh for every task of every host, it was most of a no-op run's CPU (and copying one is
 * nearly as dear: past a few dozen names V8 keeps it as a hash table). So a host's scope is
 * built once per play (and task layers) and then kept up to date: when registered or included
 * variables change, the names that changed are set again in it, when the next task asks. A
 * scope is therefore the host's variables as of the task that asked for it, valid while that
 * task runs (a host runs one task at a time); whoever needs them later keeps a copy. Keyed by
 * the host's registered-results object, which lives as long as its host's run (preflight's
 * layers have their own).
 */
interface ScopeMemo {
  version: number;
  inventory: Inventory;
  host: string;
  play: PlaySpec;
  publicRoles: number;
  playHosts: string[];
  playBatch: string[] | undefined;
  facts: Record<string, unknown> | undefined;
  included: Record<string, unknown> | undefined;
  extraVars: Record<string, unknown>;
  hostvars: Record<string, Record<string, unknown>>;
  groups: Record<string, string[]>;
  history: VarsHistory | undefined;
  roleDefaults: Record<string, unknown> | undefined;
  roleVars: Record<string, unknown> | undefined;
  taskVars: Record<string, unknown> | undefined;
  roleParams: Record<string, unknown> | undefined;
  includeParams: Record<string, unknown> | undefined;
  vars: Record<string, unknown>;
}

/** Scopes remembered per host: tasks with their own vars (a role's, a task's) alternate with those without. */
const MEMOS_PER_HOST = 4;
const scopeMemos = new WeakMap<Record<string, unknown>, ScopeMemo[]>();

/** Names buildScope sets after every layer: no variable of any layer can change them. */
const MAGIC_NAMES = new Set([
  'inventory_hostname', 'inventory_hostname_short', 'group_names', 'groups', 'hostvars', 'play_hosts',
  'ansible_play_hosts', 'ansible_play_batch', 'playbook_dir', 'ansible_check_mode', 'ansible_facts',
]);

/** A task's own layer, or undefined when it has no variables (the loader gives most tasks an empty one of their own). */
function nonEmpty(layer: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  for (const _ in layer) return layer;
  return undefined;
}

/**
 * Whether `memo` was built from these sources. The list is the fields of ScopeMemo, which the
 * compiler makes scopeOf's record fill in full. Written out, not generated from one list: a loop
 * over a list of sources (an array filled per ask, or an array literal, or keyed reads) took
 * 90-330 ns per ask against ~50 ns for this chain, and every host asks for every task.
 */
function sameSources(memo: ScopeMemo, layers: VarLayers, task: TaskSpec | undefined): boolean {
  return (
    memo.inventory === layers.inventory &&
    memo.host === layers.host &&
    memo.play === layers.play &&
    memo.publicRoles === (layers.play.publicRoles?.length ?? 0) &&
    memo.playHosts === layers.playHosts &&
    memo.playBatch === layers.playBatch &&
    memo.facts === layers.facts &&
    memo.included === layers.included &&
    memo.extraVars === layers.extraVars &&
    memo.hostvars === layers.hostvars &&
    memo.groups === layers.groups &&
    memo.history === layers.history &&
    memo.roleDefaults === nonEmpty(task?.roleDefaults) &&
    memo.roleVars === nonEmpty(task?.roleVars) &&
    memo.taskVars === nonEmpty(task?.vars) &&
    memo.roleParams === nonEmpty(task?.roleParams) &&
    memo.includeParams === nonEmpty(task?.includeParams)
  );
}

function scopeOf(layers: VarLayers, task: TaskSpec | undefined): Record<string, unknown> {
  const version = layers.history?.varsVersion ?? 0;
  let memos = scopeMemos.get(layers.registered);
  if (!memos) scopeMemos.set(layers.registered, (memos = []));
  let memo: ScopeMemo | undefined;
  for (let i = memos.length - 1; i >= 0 && !memo; i--) if (sameSources(memos[i], layers, task)) memo = memos[i];
  if (memo && memo.version === version) return memo.vars;
  const changed = memo && layers.history?.varsChangedSince(memo.version);
  const vars = memo && changed && updateScope(memo.vars, changed, layers, task) ? memo.vars : buildScope(layers, task);
  if (memo) {
    memo.version = version;
    memo.vars = vars;
    return vars;
  }
  if (memos.length >= MEMOS_PER_HOST) memos.shift();
  memos.push({
    version,
    inventory: layers.inventory,
    host: layers.host,
    play: layers.play,
    publicRoles: layers.play.publicRoles?.length ?? 0,
    playHosts: layers.playHosts,
    playBatch: layers.playBatch,
    facts: layers.facts,
    included: layers.included,
    extraVars: layers.extraVars,
    hostvars: layers.hostvars,
    groups: layers.groups,
    history: layers.history,
    roleDefaults: nonEmpty(task?.roleDefaults),
    roleVars: nonEmpty(task?.roleVars),
    taskVars: nonEmpty(task?.vars),
    roleParams: nonEmpty(task?.roleParams),
    includeParams: nonEmpty(task?.includeParams),
    vars,
  });
  return vars;
}

/**
 * Sets the registered and included variables named in `changed` in `vars` again, as buildScope
 * would: unless a layer above them (role and include params, extra vars, the magic variables)
 * has the name. A name new to the scope comes last in its key order, which no lookup sees.
 * False when only building it again will do.
 */
function updateScope(vars: Record<string, unknown>, changed: readonly string[], layers: VarLayers, task: TaskSpec | undefined): boolean {
  for (const name of changed) {
    // Set as a key, not as the prototype: a spread defines it (buildScope does).
    if (name === '__proto__') return false;
    if (MAGIC_NAMES.has(name) || Object.hasOwn(layers.extraVars, name)) continue;
    if ((task?.includeParams && Object.hasOwn(task.includeParams, name)) || (task?.roleParams && Object.hasOwn(task.roleParams, name))) continue;
    if (Object.hasOwn(layers.registered, name)) vars[name] = layers.registered[name];
    else if (layers.included && Object.hasOwn(layers.included, name)) vars[name] = layers.included[name];
  }
  return true;
}

function buildScope(layers: VarLayers, task: TaskSpec | undefined): Record<string, unknown> {
  // group_vars/ and host_vars/ next to this play's playbook sit between the inventory's own layers.
  const inventory = withPlaybookDir(layers.inventory, layers.play.baseDir);
  const host = inventory.hosts.get(layers.host)!;
  const facts = layers.facts ?? {};
  const playRoles = playRoleLayers(layers.play);
  return {
    ...playRoles.defaults,
    ...(task?.roleDefaults ?? {}),
    ...host.vars,
    ...facts,
    ...layers.play.vars,
    ...playRoles.vars,
    ...(task?.roleVars ?? {}),
    ...(task?.vars ?? {}),
    ...layers.included,
    ...layers.registered,
    ...(task?.roleParams ?? {}),
    ...(task?.includeParams ?? {}),
    ...layers.extraVars,
    inventory_hostname: layers.host,
    // As Ansible's Host.get_magic_vars: an IP address is its own short name; group names sorted, 'ungrouped' included.
    inventory_hostname_short: /^[0-9.]+$|:/.test(layers.host) ? layers.host : layers.host.split('.')[0],
    group_names: host.groups.filter((g) => g !== 'all').sort(),
    groups: layers.groups,
    hostvars: inventory === layers.inventory ? layers.hostvars : hostvarsFor(inventory, layers),
    play_hosts: layers.playBatch ?? layers.playHosts,
    ansible_play_hosts: layers.playHosts,
    ansible_play_batch: layers.playBatch ?? layers.playHosts,
    playbook_dir: layers.play.baseDir,
    ansible_check_mode: false,
    ansible_facts: namespacedFacts(facts),
  };
}

/** loop_control.extended: Ansible's ansible_loop. */
function extendedLoop(items: unknown[], index: number): Record<string, unknown> {
  const length = items.length;
  const loop: Record<string, unknown> = {
    allitems: items, index: index + 1, index0: index, revindex: length - index, revindex0: length - index - 1,
    first: index === 0, last: index === length - 1, length,
  };
  if (index > 0) loop.previtem = items[index - 1];
  if (index < length - 1) loop.nextitem = items[index + 1];
  return loop;
}

const playRoleCache = new WeakMap<PlaySpec, { count: number; defaults: Record<string, unknown>; vars: Record<string, unknown> }>();

/**
 * Defaults and vars of the play's roles every task sees (roles:, import_role, include_role with
 * public once it ran), merged in order; vars only unless private_role_vars.
 */
function playRoleLayers(play: PlaySpec): { defaults: Record<string, unknown>; vars: Record<string, unknown> } {
  const roles = play.publicRoles ?? [];
  let cached = playRoleCache.get(play);
  if (!cached || cached.count !== roles.length) {
    cached = { count: roles.length, defaults: {}, vars: {} };
    for (const role of roles) {
      Object.assign(cached.defaults, roleDefaults(role, false));
      if (!play.privateRoleVars) Object.assign(cached.vars, roleVars(role, false));
    }
    playRoleCache.set(play, cached);
  }
  return cached;
}

/** hostvars: every host's inventory vars with extra vars on top, as other hosts' tasks see them. */
export function buildHostvars(inventory: Inventory, extraVars: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const [name, host] of inventory.hosts) hostvars[name] = { ...host.vars, ...extraVars, inventory_hostname: name };
  return hostvars;
}

const hostvarsByInventory = new WeakMap<Inventory, WeakMap<Record<string, unknown>, Record<string, Record<string, unknown>>>>();

/** hostvars as a play from another playbook folder sees them (built once per folder and run). */
function hostvarsFor(inventory: Inventory, layers: VarLayers): Record<string, Record<string, unknown>> {
  let byExtraVars = hostvarsByInventory.get(inventory);
  if (!byExtraVars) hostvarsByInventory.set(inventory, (byExtraVars = new WeakMap()));
  let hostvars = byExtraVars.get(layers.extraVars);
  if (!hostvars) byExtraVars.set(layers.extraVars, (hostvars = buildHostvars(inventory, layers.extraVars)));
  return hostvars;
}

export function groupsRecord(inventory: Inventory): Record<string, string[]> {
  return Object.fromEntries(inventory.groups);
}

/** The variables of each loop item of a task (one entry, without item, when it has no loop). */
export function itemVars(layers: VarLayers, task: TaskSpec): Array<{ vars: Record<string, unknown>; item?: unknown }> {
  const vars = taskVars(layers, task);
  if (task.loop === undefined) return [{ vars }];
  const origin = { what: `task '${task.name}'`, location: task.location };
  const items = task.loopWith === undefined ? renderValue(task.loop, vars, origin) : lookupItems(task.loopWith, task.loop, vars, origin);
  if (!Array.isArray(items)) throw new InputError(`loop of task '${task.name}' must be a list, got ${JSON.stringify(items)}`, task.location);
  return items.map((item, index) => ({ item, vars: taskVars(layers, task, { name: task.loopVar, item, index, items }) }));
}

/** `ansible_facts.hostname` for the fact `ansible_hostname`, as Ansible's namespace_facts. */
export function namespacedFacts(facts: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(facts).map(([name, value]) => [name.replace(/^ansible_/, ''), value]));
}

/** The `ansible_facts` a module result carries, if any (skipped and failed results carry none). */
export function factsOf(result: Record<string, unknown>): Record<string, unknown> | undefined {
  const facts = result.ansible_facts;
  if (result.failed === true || result.skipped === true) return undefined;
  return facts && typeof facts === 'object' && !Array.isArray(facts) ? (facts as Record<string, unknown>) : undefined;
}

/**
 * with_<lookup>: the terms rendered and made a list (listify_lookup_plugin_terms), then the
 * lookup run over them as query() runs it, each term one argument.
 */
function lookupItems(name: string, written: unknown, vars: Record<string, unknown>, origin: { what: string; location: SourceLocation }): unknown {
  const rendered = renderValue(written, vars, origin);
  const terms = Array.isArray(rendered) ? rendered : [rendered];
  const call = `{{ query('${name}'${terms.map((_, i) => `, __runbook_with_terms[${i}]`).join('')}) }}`;
  return renderValue(call, { ...vars, __runbook_with_terms: terms }, origin);
}
