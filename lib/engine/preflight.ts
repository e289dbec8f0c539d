import { accessSync, constants } from 'node:fs';
import { InputError, didYouMean } from '../errors.js';
import { IMPLICIT_LOCALHOST } from '../inventory/localhost.js';
import type { Inventory } from '../inventory/types.js';
import type { ModuleRegistry } from '../modules/registry.js';
import type { TagFilter } from '../playbook/tags.js';
import type { PlayEntry, PlaySpec, TaskSpec } from '../playbook/types.js';
import { isTemplated, pureReadsKey, pureReadsOf, referencedVariables, renderTemplateFile, renderTemplateFilePieces, renderValue, withoutControllerCommands, type PureReads } from '../template/index.js';
import { loadVarsFile } from '../modules/include_vars.js';
import { renderTaskArgs } from './args.js';
import { isPlainObject } from '../template/python.js';
import { buildHostvars, groupsRecord, itemVars, taskVars } from './vars.js';

export interface PlannedPlay {
  play: PlaySpec;
  hosts: string[];
  /** The selected task tree (blocks kept), which each host's play iterator walks. */
  body: PlayEntry[];
  /** Every selected task of `body` as written, flattened in order (the loader's implicit flush_handlers left out). */
  tasks: TaskSpec[];
  /** --tags / --skip-tags, for the tasks of dynamic includes, selected when they are loaded. */
  tagFilter?: TagFilter;
}

/**
 * Everything that can be known wrong before any host is touched: unreadable keys, undefined
 * variables, missing templates and src files, arguments of the wrong type. Tasks that read a
 * registered result are rendered when they run, since that result does not exist yet.
 */
export function preflight(plan: PlannedPlay[], inventory: Inventory, registry: ModuleRegistry, extraVars: Record<string, unknown>): void {
  for (const _host of preflightSteps(plan, inventory, registry, extraVars));
}

/**
 * The same checks, letting other work run between hosts (a turn of the event loop after each):
 * connections opened early (engine/early.ts) make their handshakes meanwhile instead of waiting
 * for the whole check to end.
 */
export async function preflightYielding(plan: PlannedPlay[], inventory: Inventory, registry: ModuleRegistry, extraVars: Record<string, unknown>): Promise<void> {
  for (const _host of preflightSteps(plan, inventory, registry, extraVars)) await new Promise((resolve) => setImmediate(resolve));
}

/** preflight's checks, one host of one play per step. */
function* preflightSteps(plan: PlannedPlay[], inventory: Inventory, registry: ModuleRegistry, extraVars: Record<string, unknown>): Generator<string> {
  const hostvars = buildHostvars(inventory, extraVars);
  const groups = groupsRecord(inventory);
  // Set when a task fails inside a block with a rescue: only known at run time, as registered results.
  const registers = new Set(['ansible_failed_task', 'ansible_failed_result', ...runtimeNames(plan, registry)]);
  // Other hosts' registered results and set_fact variables are read through hostvars: checked when they run.
  if (registers.size > 2) registers.add('hostvars');
  for (const name of new Set(plan.flatMap((p) => p.hosts))) {
    const keyFile = inventory.hosts.get(name)!.connection.privateKeyFile;
    if (keyFile) {
      try {
        accessSync(keyFile, constants.R_OK);
      } catch {
        throw new InputError(`private key ${keyFile} of host '${name}' cannot be read`, inventory.hosts.get(name)!.location);
      }
    }
  }
  for (const { play, tasks } of plan) {
    for (const task of [...tasks, ...play.handlers]) {
      const target = task.delegateTo;
      if (target === undefined || isTemplated(target) || inventory.hosts.has(target) || IMPLICIT_LOCALHOST.includes(target)) continue;
      throw new InputError(`delegate_to '${target}' names no inventory host${didYouMean(target, [...inventory.hosts.keys()])}`, task.delegateLocation ?? task.location);
    }
  }
  // Gathered facts (ansible_hostname, ...) exist once a play has gathered them: checked when they run.
  const gathers = plan.some(({ play }) => play.gatherFacts || play.tasks.some((t) => t.module === 'setup' || registry.get(t.module)?.returnsFacts === true));
  const passed = new PassedChecks(registry);
  for (const { play, hosts, tasks } of plan) {
    for (const host of hosts) {
      const layers = { inventory, host, play, playHosts: hosts, registered: {}, extraVars, hostvars, groups };
      for (const task of [...tasks, ...play.handlers]) {
        if (passed.readsRegistered(task, registers) || (gathers && readsRegistered(task, { has: (n: string) => n.startsWith('ansible_') && !(n in inventory.hosts.get(host)!.vars) }))) continue;
        const reads = passed.readsOf(task);
        const key = reads ? passed.keyOf(reads, taskVars(layers, task)) : undefined;
        if (key !== undefined && passed.has(task, key)) continue;
        checksMade++;
        // A pipe lookup's command runs when its task runs, once (as in Ansible): a task that needs one is checked then.
        withoutControllerCommands(() => {
          const module = registry.get(task.module)!;
          const origin = { what: `task '${task.name}'`, location: task.location };
          for (const { vars } of itemVars(layers, task)) {
            for (const condition of task.when) renderValue(`{{ ${condition} }}`, vars, origin);
            let args: Record<string, unknown>;
            try {
              args = renderTaskArgs(module, task.args, vars, origin).args;
            } catch (error) {
              if (error instanceof InputError) throw error;
              throw new InputError(`${(error as Error).message} in task '${task.name}' on ${host}`, task.location);
            }
            try {
              const templateOrigin = (what: string) => ({ what: `${what} (task '${task.name}')`, location: task.location });
              module.preflight?.(args, {
                baseDir: task.baseDir ?? play.baseDir,
                render: (text, what) => renderTemplateFile(text, vars, templateOrigin(what)),
                renderFile: (text, what) => renderTemplateFilePieces(text, vars, templateOrigin(what)),
              });
            } catch (error) {
              // A template reading gathered facts is rendered when it runs, once they are known.
              if (gathers && /undefined variable 'ansible_/.test((error as Error).message)) continue;
              if (error instanceof InputError) throw error;
              throw new InputError(`${(error as Error).message} (task '${task.name}')`, task.location);
            }
          }
        });
        if (key !== undefined) passed.add(task, key);
      }
      yield host;
    }
  }
}

let checksMade = 0;
/** Checks of a task on a host made in full so far (for tests: that a check is remembered, or not). */
export function preflightChecksMade(): number {
  return checksMade;
}

/**
 * The checks of a task that passed, by the values of the variables the task reads. A check is a
 * function of those values when every template of the task (arguments and their keys, loop,
 * conditions) reads only variables (template/index.ts pureReadsOf), its loop is a list or a lookup
 * that computes from its terms, and its module checks nothing beyond its arguments (a module's
 * own preflight renders template files, whose reads are not known here). Most hosts read the
 * same values (group and play variables): their check is made once. A host whose values differ
 * in any way, or cannot be spelled out, is checked in full.
 */
class PassedChecks {
  private readonly reads = new Map<TaskSpec, PureReads | null>();
  /** One PureReads per set of names (most tasks of a play read the same few): a host's key for them is spelled once. */
  private readonly sameReads = new Map<string, PureReads>();
  /**
   * Keys spelled so far, by scope and reads. A scope does not change during preflight (no task
   * has run: nothing registered), so its key for the same names is the same for every task.
   */
  private readonly spelled = new WeakMap<Record<string, unknown>, Map<PureReads, string | undefined>>();
  private readonly keys = new Map<TaskSpec, Set<string>>();
  private readonly registeredReads = new Map<TaskSpec, boolean>();

  constructor(private readonly registry: ModuleRegistry) {}

  /** Whether the task reads a registered result (the same answer for every host). */
  readsRegistered(task: TaskSpec, registers: Set<string>): boolean {
    let reads = this.registeredReads.get(task);
    if (reads === undefined) this.registeredReads.set(task, (reads = readsRegistered(task, registers)));
    return reads;
  }

  /** The key of the values `reads` names in a host's scope (see pureReadsKey). */
  keyOf(reads: PureReads, vars: Record<string, unknown>): string | undefined {
    let byReads = this.spelled.get(vars);
    if (!byReads) this.spelled.set(vars, (byReads = new Map()));
    if (byReads.has(reads)) return byReads.get(reads);
    const key = pureReadsKey(reads, vars);
    byReads.set(reads, key);
    return key;
  }

  /** What decides the task's check, or null when it is checked in full on every host. */
  readsOf(task: TaskSpec): PureReads | null {
    let reads = this.reads.get(task);
    if (reads === undefined) {
      const computed = task.loopWith === undefined || COMPUTED_LOOPS.has(task.loopWith.replace(/^ansible\.builtin\./, ''));
      const texts: string[] = [];
      templateTexts([task.args, task.loop], texts);
      for (const condition of task.when) texts.push(`{{ ${condition} }}`);
      reads = computed && !this.registry.get(task.module)?.preflight ? pureReadsOf(texts) : null;
      if (reads) {
        const signature = `${reads.scalarsOnly}:${JSON.stringify(reads.names)}`;
        const same = this.sameReads.get(signature);
        if (same) reads = same;
        else this.sameReads.set(signature, reads);
      }
      this.reads.set(task, reads);
    }
    return reads;
  }

  has(task: TaskSpec, key: string): boolean {
    return this.keys.get(task)?.has(key) === true;
  }

  add(task: TaskSpec, key: string): void {
    let keys = this.keys.get(task);
    if (!keys) this.keys.set(task, (keys = new Set()));
    if (keys.size < PASSED_KEYS) keys.add(key);
  }
}

/** with_<lookup> loops whose items are computed from their terms alone. */
const COMPUTED_LOOPS = new Set(['items', 'list', 'indexed_items', 'dict', 'nested', 'together', 'sequence', 'subelements', 'flattened']);
/** Distinct values remembered per task: past it, a host whose values are new is checked in full. */
const PASSED_KEYS = 1024;

/** Every string inside `value` that a rendering reads: texts, and the keys of mappings. */
function templateTexts(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) templateTexts(item, out);
  else if (isPlainObject(value)) {
    // Other objects (an `!unsafe` text) are never rendered.
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      templateTexts(item, out);
    }
  }
}

/**
 * Variables that exist only once a task has run: registered results, set_fact names, and what
 * include_vars loads (the file's keys when its name is written plainly, else every name: '*').
 */
function runtimeNames(plan: PlannedPlay[], registry: ModuleRegistry): Set<string> {
  const names = new Set<string>();
  for (const { play } of plan) {
    for (const task of [...play.tasks, ...play.handlers]) {
      if (task.register) names.add(task.register);
      const factsAs = registry.get(task.module)?.factsAs;
      if (factsAs === 'set') for (const name of Object.keys(task.args)) if (name !== 'cacheable') names.add(name);
      if (factsAs === 'included') {
        if (typeof task.args.name === 'string') names.add(task.args.name);
        else for (const name of includedNames(task.args, play.baseDir)) names.add(name);
      }
    }
  }
  return names;
}

function includedNames(args: Record<string, unknown>, baseDir: string): string[] {
  const file = args.file ?? args._raw_params;
  if (typeof file !== 'string' || isTemplated(file)) return ['*'];
  try {
    return Object.keys(loadVarsFile(file.trim(), baseDir).vars);
  } catch {
    return []; // the task's own preflight names the problem
  }
}

function readsRegistered(task: TaskSpec, registers: { has(name: string): boolean }): boolean {
  const names = referencedNames(task);
  return names.length > 0 && (registers.has('*') || names.some((n) => registers.has(n)));
}

/** Every name a task's arguments, loop and conditions read (once per task: preflight asks for every host). */
const namesOfTask = new WeakMap<TaskSpec, string[]>();
function referencedNames(task: TaskSpec): string[] {
  let names = namesOfTask.get(task);
  if (names) return names;
  const texts: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') texts.push(value.includes('{{') || value.includes('{%') ? value : '');
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect([task.args, task.loop]);
  names = [...texts.filter(Boolean).flatMap((t) => referencedVariables(t, { includeOptional: true })), ...task.when.flatMap((c) => referencedVariables(c, { expression: true, includeOptional: true }))];
  namesOfTask.set(task, names);
  return names;
}
