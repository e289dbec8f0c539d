import { InputError, didYouMean, type SourceLocation } from '../errors.js';
import type { ModuleDefinition } from '../modules/types.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { argRuleError } from '../modules/arg-rules.js';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { loadYamlFile, locationOf, sourceTextOf, valueLocationOf } from '../yaml/load.js';
import { lookupNames, referencedVariables } from '../template/index.js';
import { RAW_PARAMS, isTemplated, normaliseArgs, toBoolean, type ArgOrigins } from './args.js';
import { sourceFileCandidates, resolveSourceFile } from './files.js';
import { parseFreeForm, parseKeyValues } from './kv.js';
import { findRole, roleBlock, roleFile, roleLayers, roleMeta, roleVarsFile, type PlayRoles, type RoleScope, type RoleVarLayers } from './roles.js';
import type { BlockSpec, PlayEntry, TaskSpec } from './types.js';
import { portNumber } from '../util/port.js';

const TASK_KEYWORDS = [
  'name', 'args', 'vars', 'when', 'tags', 'register', 'notify', 'loop', 'with_items', 'loop_control',
  'run_once', 'changed_when', 'failed_when', 'ignore_errors', 'become', 'become_user', 'check_mode',
  'no_log', 'listen', 'until', 'retries', 'delay', 'timeout', 'throttle', 'delegate_to', 'delegate_facts',
  'local_action', 'ignore_unreachable', 'any_errors_fatal', 'environment', 'module_defaults', 'remote_user',
  'port', 'connection', 'action', 'collections', 'become_method',
];
const UNSUPPORTED_KEYWORDS: Record<string, string> = {
  async: 'async is not supported: runbook keeps one connection per host and waits for each command; use timeout: to bound a long command, or start a service with the systemd module',
  poll: 'poll is not supported (async is not supported: use timeout: to bound a long command)',
  ...unsupportedAnsibleKeywords(['debugger', 'diff', 'become_flags', 'become_exe']),
};
const LOOP_CONTROL_KEYS = ['loop_var', 'label', 'index_var', 'extended'];

/**
 * Keywords of Ansible 2.14 (playbook/base.py and the classes built on it) that runbook does not
 * carry out: refused by name, never silently ignored.
 */
export function unsupportedAnsibleKeywords(names: string[], where = ''): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, `'${name}' is an Ansible keyword runbook does not support${where}`]));
}

/** Connection methods a play, block or task may name: the controller, or SSH (Ansible's smart is ssh). */
export const CONNECTIONS = ['local', 'ssh', 'smart'];

/** Keywords a block (and an import, a role entry, include_tasks' apply, and a play) passes down to its tasks. */
export const INHERITED_KEYWORDS = ['name', 'when', 'tags', 'vars', 'become', 'become_user', 'ignore_errors', 'no_log', 'check_mode', 'run_once', 'environment', 'module_defaults', 'remote_user', 'port', 'connection', 'collections', 'become_method'];
const BLOCK_KEYWORDS = ['block', 'rescue', 'always', ...INHERITED_KEYWORDS];
const UNSUPPORTED_BLOCK_KEYWORDS = unsupportedAnsibleKeywords(['delegate_to', 'delegate_facts', 'throttle', 'timeout', 'ignore_unreachable', 'any_errors_fatal', 'notify', 'debugger', 'diff', 'become_flags', 'become_exe'], ' on a block (set it on the tasks)');
const IMPORT_TASKS = ['import_tasks', 'ansible.builtin.import_tasks'];
const IMPORT_ROLE = ['import_role', 'ansible.builtin.import_role'];
/** Arguments of include_role and import_role in Ansible 2.14 (IncludeRole.VALID_ARGS); public and apply are include_role's only. */
const ROLE_ARGS = ['name', 'role', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'allow_duplicates', 'public', 'apply', 'rolespec_validate'];

export interface TaskContext {
  registry: ModuleRegistry;
  file: string;
  baseDir: string;
  isHandler: boolean;
  /** Names and listen topics of the play's handlers: every notify must reach one. */
  handlerNames?: ReadonlySet<string>;
  /** What enclosing blocks (and the play) pass down to each task. */
  inherited?: Inherited;
  /** Task files being imported or included, outermost first, to refuse a circular import. */
  chain?: string[];
  /** The play's roles: search path, those already loaded, their handlers. */
  roles?: PlayRoles;
  /** The role whose files these are: its variables reach its tasks and handlers. */
  role?: RoleScope;
  /** Roles being loaded, outermost first, to refuse a circular dependency. */
  roleChain?: string[];
}

/**
 * Keywords a task takes from its enclosing blocks and play, as Ansible's inheritance:
 * when conditions add up (parents first), tags add up, vars merge (inner wins), and the
 * other keywords apply when the task does not set them itself.
 */
export interface Inherited {
  when: string[];
  tags: string[];
  vars: Record<string, unknown>;
  become?: boolean;
  becomeUser?: string;
  ignoreErrors?: boolean;
  noLog?: boolean;
  checkMode?: boolean;
  runOnce?: boolean;
  /** environment: mappings (or templates of them), outermost first; a later one's keys win. */
  environment?: unknown[];
  /** module_defaults: mappings of module name to default arguments, outermost first. */
  moduleDefaults?: Array<{ defaults: Record<string, unknown>; location: SourceLocation }>;
  remoteUser?: string;
  port?: number | string;
  connection?: 'local' | 'ssh';
  /** include_tasks/include_role: the include's own vars and loop item (Ansible's include params, above set_fact). */
  includeParams?: Record<string, unknown>;
}

export const NOTHING_INHERITED: Inherited = { when: [], tags: [], vars: {} };

/** A task list (tasks and blocks, nested) → entries, each task carrying what it inherits. */
export function parseEntries(value: unknown, what: string, location: SourceLocation, ctx: TaskContext): PlayEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InputError(`${what} must be a list`, location);
  return value.map((item, index) => parseEntry(item, locationOf(value, index) ?? location, ctx));
}

export function parseEntry(raw: unknown, fallback: SourceLocation, ctx: TaskContext): PlayEntry {
  if (isMapping(raw)) {
    if ('block' in raw) return parseBlock(raw, fallback, ctx);
    for (const key of ['rescue', 'always']) {
      if (key in raw) throw new InputError(`'${key}' without 'block': rescue and always belong to a block, beside its 'block:' list`, locationOf(raw, key) ?? fallback);
    }
    const importKey = IMPORT_TASKS.find((k) => k in raw);
    if (importKey) return parseImportTasks(raw, importKey, fallback, ctx);
    const roleKey = IMPORT_ROLE.find((k) => k in raw);
    if (roleKey) return parseImportRole(raw, roleKey, fallback, ctx);
  }
  const task = parseTask(raw, fallback, ctx);
  if (task.module === 'include_tasks') task.includeTasks = includer(task, ctx, raw as Record<string, unknown>);
  if (task.module === 'include_role') task.includeTasks = roleIncluder(task, ctx, raw as Record<string, unknown>);
  return task;
}

/** A role named in roles:, in meta dependencies, or by import_role/include_role: its name, tasks file, variables. */
export interface RoleRef {
  name: string;
  tasksFrom?: string;
  /** vars_from, defaults_from, handlers_from: other files of the role than main. */
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  /** vars: of the entry (role-vars level). */
  vars: Record<string, unknown>;
  /** The entry's other keys: role parameters. */
  params: Record<string, unknown>;
  /** The keywords it passes down (tags, when, become, ...), as a block's. */
  keywords: Record<string, unknown>;
  /** Its defaults and vars reach every task of the play (roles:, import_role, include_role with public). */
  exposed?: boolean;
  /** include_role: its vars and loop item, above set_fact. */
  includeParams?: Record<string, unknown>;
}

/** `- common` or `- { role: common, vars: {...}, tags: [...], when: ..., other: param }`. */
export function roleRef(raw: unknown, where: SourceLocation): RoleRef {
  if (typeof raw === 'string' && raw !== '') return { name: raw, vars: {}, params: {}, keywords: {} };
  if (!isMapping(raw)) throw new InputError('a role is a name or a mapping with role:', where);
  const name = raw.role ?? raw.name;
  if (typeof name !== 'string' || name === '') throw new InputError('a role entry needs role: <name>', locationOf(raw) ?? where);
  if (isTemplated(name)) throw new InputError(`role names are read before any host runs and cannot be templated ('${name}')`, locationOf(raw, 'role') ?? where);
  const keywords: Record<string, unknown> = {};
  const params: Record<string, unknown> = {};
  let vars: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'role' || key === 'name') continue;
    if (key === 'vars') vars = mapping(value, 'vars', locationOf(raw, key) ?? where);
    else if (INHERITED_KEYWORDS.includes(key)) keywords[key] = value;
    else if (UNSUPPORTED_BLOCK_KEYWORDS[key]) throw new InputError(UNSUPPORTED_BLOCK_KEYWORDS[key].replace('on a block', 'on a role'), locationOf(raw, key) ?? where);
    else params[key] = value; // role parameters, as Ansible: variables of the role
  }
  return { name, vars, params, keywords };
}

/** Each role scope's variable layers, computed once (its dependencies are known by the time its tasks are read). */
const layersOfRole = new WeakMap<RoleScope, RoleVarLayers>();

function roleLayersOf(role: RoleScope): RoleVarLayers {
  let layers = layersOfRole.get(role);
  if (!layers) layersOfRole.set(role, (layers = roleLayers(role)));
  return layers;
}

/**
 * A role's tasks as entries: its dependencies first (meta/main.yml), then a block of its tasks
 * with its defaults and vars attached; its handlers join the play's. With `once`, a role already
 * in the play with the same parameters adds nothing (unless allow_duplicates).
 */
export function roleEntries(ref: RoleRef, where: SourceLocation, ctx: TaskContext, once: boolean): PlayEntry[] {
  const roles = ctx.roles;
  if (!roles) throw new InputError('roles are not available here', where);
  const dir = findRole(ref.name, roles.searchPath, where);
  const chain = ctx.roleChain ?? [];
  if (chain.includes(dir)) throw new InputError(`circular role dependency: ${[...chain, dir].join(' → ')}`, where);
  const meta = roleMeta(dir);
  const tasksFrom = ref.tasksFrom?.replace(/\.ya?ml$/, '');
  const scope: RoleScope = {
    name: ref.name,
    dir,
    defaults: roleVarsFile(dir, 'defaults', ref.defaultsFrom?.replace(/\.ya?ml$/, ''), where),
    vars: roleVarsFile(dir, 'vars', ref.varsFrom?.replace(/\.ya?ml$/, ''), where),
    entryVars: ref.vars,
    params: ref.params,
    deps: [],
    parent: ctx.role,
  };
  // A dependency counts for its parent's variables whether or not it runs again; an exposed role for the whole play's.
  ctx.role?.deps.push(scope);
  // roles: and import_role are the play's from the start; a public include_role once it runs (the engine publishes it).
  if (ref.exposed && !ref.includeParams) roles.public.push(scope);
  const parentInherited = inheritFrom(ref.keywords, ctx.inherited ?? NOTHING_INHERITED, (k) => locationOf(ref.keywords, k) ?? where);
  const inherited = ref.includeParams ? { ...parentInherited, includeParams: { ...parentInherited.includeParams, ...ref.includeParams } } : parentInherited;
  const roleCtx: TaskContext = { ...ctx, baseDir: dir, role: scope, roleChain: [...chain, dir], inherited, chain: undefined };
  const deps = meta.dependencies.flatMap(([raw, loc]) => roleEntries(roleRef(raw, loc), loc, roleCtx, true));
  const key = `${dir}\0${tasksFrom ?? 'main'}\0${JSON.stringify([ref.params, ref.vars, ref.varsFrom, ref.defaultsFrom])}`;
  if (once && !meta.allowDuplicates && roles.seen.has(key)) return [];
  roles.seen.add(key);
  const handlersFrom = ref.handlersFrom?.replace(/\.ya?ml$/, '');
  const handlersKey = `${dir}\0${handlersFrom ?? 'main'}`;
  if (!roles.handlersOf.has(handlersKey)) {
    roles.handlersOf.add(handlersKey);
    const file = roleFile(dir, 'handlers', handlersFrom);
    if (!file && handlersFrom) throw new InputError(`role '${ref.name}' has no handlers file '${ref.handlersFrom}' (looked in ${join(dir, 'handlers')})`, where);
    const data = file ? loadYamlFile(file) : undefined;
    if (Array.isArray(data)) {
      for (const [index, item] of data.entries()) {
        const handler = parseTask(item, locationOf(data, index) ?? { file: file!, line: 1, column: 1 }, { ...roleCtx, file: file!, isHandler: true, handlerNames: undefined, inherited: { ...NOTHING_INHERITED, tags: inherited.tags, environment: inherited.environment, moduleDefaults: inherited.moduleDefaults } });
        roles.handlers.push(handler);
        for (const name of [handler.name, ...handler.listen]) roles.handlerNames.add(name);
      }
    }
  }
  const tasksFile = roleFile(dir, 'tasks', tasksFrom);
  if (!tasksFile && tasksFrom) throw new InputError(`role '${ref.name}' has no tasks file '${ref.tasksFrom}' (looked in ${join(dir, 'tasks')})`, where);
  const data = tasksFile ? loadYamlFile(tasksFile) : undefined;
  if (data !== undefined && data !== null && !Array.isArray(data)) throw new InputError('a task file must be a list of tasks', locationOf(data) ?? { file: tasksFile!, line: 1, column: 1 });
  const tasks = data ? parseEntries(data, 'tasks', { file: tasksFile!, line: 1, column: 1 }, { ...roleCtx, file: tasksFile!, chain: [tasksFile!] }) : [];
  const block = roleBlock(ref.name, tasks, where);
  if (ref.exposed && ref.includeParams) block.exposes = scope;
  return [...deps, block];
}

interface RoleArgs {
  name: string;
  tasksFrom?: string;
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  public: boolean;
  allowDuplicates?: boolean;
}

/** include_role/import_role arguments, checked as Ansible 2.14's IncludeRole.load. */
function roleArgs(value: unknown, where: SourceLocation, what: 'import_role' | 'include_role'): RoleArgs {
  if (!isMapping(value)) throw new InputError(`${what} takes a mapping (name:, tasks_from:, ...)`, where);
  const at = (k: string) => locationOf(value, k) ?? where;
  for (const key of Object.keys(value)) {
    if (key === 'vars') throw new InputError(`'vars' is not an argument of ${what} (Ansible refuses it too): put vars: on the task, beside ${what}:`, at(key));
    if (!ROLE_ARGS.includes(key)) throw new InputError(`unknown argument '${key}' for ${what}${didYouMean(key, ROLE_ARGS)}`, at(key));
    if (what === 'import_role' && (key === 'public' || key === 'apply')) throw new InputError(`'${key}' is an argument of include_role only (import_role's roles are always public)`, at(key));
  }
  const name = value.name ?? value.role;
  if (typeof name !== 'string' || name === '') throw new InputError(`${what} needs name: <role>`, where);
  const from = (key: string): string | undefined => {
    const v = value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new InputError(`${key} must be a file name, got ${JSON.stringify(v)}`, at(key));
    if (isTemplated(v)) throw new InputError(`${key} is read when the role is loaded and cannot be templated here ('${v}')`, at(key));
    return v;
  };
  return {
    name,
    tasksFrom: from('tasks_from'),
    varsFrom: from('vars_from'),
    defaultsFrom: from('defaults_from'),
    handlersFrom: from('handlers_from'),
    public: flag(value.public, 'public', at('public')) ?? false,
    allowDuplicates: flag(value.allow_duplicates, 'allow_duplicates', at('allow_duplicates')),
  };
}

/** import_role: the role's tasks, read now, with the import's keywords passed down (static, as import_tasks); its variables reach the whole play. */
function parseImportRole(raw: Record<string, unknown>, key: string, fallback: SourceLocation, ctx: TaskContext): BlockSpec {
  const location = locationOf(raw) ?? fallback;
  const at = (k: string) => locationOf(raw, k) ?? location;
  for (const k of Object.keys(raw)) {
    if (k === 'loop' || k.startsWith('with_')) throw new InputError(`import_role cannot loop (it is read before any host runs); use include_role`, at(k));
    if (k !== key && !INHERITED_KEYWORDS.includes(k)) throw new InputError(`'${k}' is not a keyword of import_role${didYouMean(k, INHERITED_KEYWORDS)}`, at(k));
  }
  const args = roleArgs(raw[key], at(key), 'import_role');
  const keywords = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== key && k !== 'name' && k !== 'vars'));
  const ref: RoleRef = { ...args, vars: mapping(raw.vars, 'vars', at('vars')), params: {}, keywords, exposed: true };
  const entries = roleEntries(ref, at(key), ctx, false);
  return { kind: 'block', name: raw.name === undefined || raw.name === null ? `import_role ${args.name}` : String(raw.name), block: entries, rescue: [], always: [], location };
}

/** include_role: the role, loaded when a host reaches the task (per loop item), with the include's vars and apply. */
function roleIncluder(task: TaskSpec, ctx: TaskContext, raw: Record<string, unknown>): (name: string, vars: Record<string, unknown>) => PlayEntry[] {
  const moduleKey = Object.keys(raw).find((k) => ctx.registry.get(k)?.name === 'include_role')!;
  const value = raw[moduleKey];
  const args = roleArgs(isMapping(value) ? value : typeof value === 'string' ? { name: value } : value, locationOf(raw, moduleKey) ?? task.location, 'include_role');
  const applyRaw = isMapping(value) ? value.apply : undefined;
  const applyAt = (k: string) => (isMapping(applyRaw) ? locationOf(applyRaw, k) : undefined) ?? task.location;
  const keywords = isMapping(applyRaw) ? applyRaw : {};
  for (const k of Object.keys(keywords)) if (!INHERITED_KEYWORDS.includes(k)) throw new InputError(`'${k}' is not a keyword apply can pass down${didYouMean(k, INHERITED_KEYWORDS)}`, applyAt(k));
  const ownVars = mapping(raw.vars, 'vars', locationOf(raw, 'vars') ?? task.location);
  return (name, item) => {
    const ref: RoleRef = { ...args, name, vars: ownVars, params: {}, keywords, exposed: args.public, includeParams: { ...ownVars, ...item } };
    // include_role's allow_duplicates defaults to true (Ansible 2.14): it runs the role each time it is reached.
    return roleEntries(ref, task.location, ctx, args.allowDuplicates === false);
  };
}

/** What a block, an import or an apply passes down: its own keywords over its parent's. */
export function inheritFrom(raw: Record<string, unknown>, parent: Inherited, at: (key: string) => SourceLocation): Inherited {
  return {
    when: [...parent.when, ...(conditions(raw.when, 'when', at('when')) ?? [])],
    tags: [...new Set([...parent.tags, ...tagList(raw.tags, at('tags'))])],
    vars: { ...parent.vars, ...mapping(raw.vars, 'vars', at('vars')) },
    become: flag(raw.become, 'become', at('become')) ?? parent.become,
    becomeUser: raw.become_user !== undefined && raw.become_user !== null ? String(raw.become_user) : parent.becomeUser,
    ignoreErrors: flag(raw.ignore_errors, 'ignore_errors', at('ignore_errors')) ?? parent.ignoreErrors,
    noLog: flag(raw.no_log, 'no_log', at('no_log')) ?? parent.noLog,
    checkMode: flag(raw.check_mode, 'check_mode', at('check_mode')) ?? parent.checkMode,
    runOnce: flag(raw.run_once, 'run_once', at('run_once')) ?? parent.runOnce,
    environment: [...(parent.environment ?? []), ...environmentOf(raw.environment, at('environment'))],
    moduleDefaults: [...(parent.moduleDefaults ?? []), ...moduleDefaultsOf(raw.module_defaults, at('module_defaults'))],
    remoteUser: remoteUserOf(raw.remote_user, at('remote_user')) ?? parent.remoteUser,
    port: portOf(raw.port, at('port')) ?? parent.port,
    connection: connectionOf(raw.connection, at('connection')) ?? parent.connection,
    includeParams: parent.includeParams,
  };
}

/** environment: a mapping of variable names to values (templates allowed), or a template of one. */
export function environmentOf(value: unknown, location: SourceLocation): unknown[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string' && isTemplated(value)) return [value];
  if (!isMapping(value)) throw new InputError(`environment must be a mapping of variable names to values (or a template giving one), got ${JSON.stringify(value)}`, location);
  for (const key of Object.keys(value)) {
    if (!isTemplated(key) && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new InputError(`environment variable name '${key}' is not valid (letters, digits and _, not starting with a digit)`, locationOf(value, key) ?? location);
  }
  return [value];
}

/** module_defaults: a mapping (or a list of them) of module name to its default arguments; action groups are refused. */
export function moduleDefaultsOf(value: unknown, location: SourceLocation): Array<{ defaults: Record<string, unknown>; location: SourceLocation }> {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry, index) => {
    const where = Array.isArray(value) ? (locationOf(value, index) ?? location) : location;
    if (!isMapping(entry)) throw new InputError(`module_defaults must be a mapping of module names to their default arguments, got ${JSON.stringify(entry)}`, where);
    for (const [name, args] of Object.entries(entry)) {
      const at = locationOf(entry, name) ?? where;
      if (name.startsWith('group/')) throw new InputError(`module_defaults for action groups ('${name}') are not supported: name the modules themselves`, at);
      if (!isMapping(args)) throw new InputError(`module_defaults for '${name}' must be a mapping of arguments, got ${JSON.stringify(args)}`, at);
    }
    return { defaults: entry, location: where };
  });
}

function remoteUserOf(value: unknown, location: SourceLocation): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new InputError(`remote_user must be a user name, got ${JSON.stringify(value)}`, location);
  return String(value);
}

export function portOf(value: unknown, location: SourceLocation): number | string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && isTemplated(value)) return value;
  return portNumber(value, 'port', location);
}

export function connectionOf(value: unknown, location: SourceLocation): 'local' | 'ssh' | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && CONNECTIONS.includes(value)) return value === 'local' ? 'local' : 'ssh';
  const hint = typeof value === 'string' ? didYouMean(value, CONNECTIONS) : '';
  throw new InputError(`connection ${JSON.stringify(value)} is not supported: runbook connects with ssh or local${hint}`, location);
}

/**
 * import_tasks: the file's tasks, read now, as a block that passes the import's keywords down
 * (when and tags included: Ansible's static import).
 */
function parseImportTasks(raw: Record<string, unknown>, key: string, fallback: SourceLocation, ctx: TaskContext): BlockSpec {
  const location = locationOf(raw) ?? fallback;
  const at = (k: string) => locationOf(raw, k) ?? location;
  for (const k of Object.keys(raw)) {
    if (k === 'loop' || k.startsWith('with_')) throw new InputError(`import_tasks cannot loop (it is read before any host runs); use include_tasks`, at(k));
    if (k !== key && !INHERITED_KEYWORDS.includes(k)) throw new InputError(`'${k}' is not a keyword of import_tasks${didYouMean(k, INHERITED_KEYWORDS)}`, at(k));
  }
  const value = raw[key];
  const named = isMapping(value) ? value.file : value;
  const where = valueLocationOf(raw, key) ?? at(key);
  if (typeof named !== 'string' || named === '') throw new InputError(`import_tasks needs a file name`, where);
  if (isTemplated(named)) throw new InputError(`import_tasks is read before any host runs, so its file name cannot be templated ('${named}'); use include_tasks`, where);
  const entries = loadTaskFile(named, ctx, { ...ctx, inherited: inheritFrom(raw, ctx.inherited ?? NOTHING_INHERITED, at) }, 'import_tasks', where);
  return { kind: 'block', name: raw.name === undefined || raw.name === null ? `import_tasks ${named}` : String(raw.name), block: entries, rescue: [], always: [], location };
}

/**
 * include_tasks: the loader that runs when a host reaches the task. The included tasks inherit
 * the include's vars (and loop item), its apply keywords and the enclosing blocks, not its own
 * when or tags (Ansible's dynamic include).
 */
function includer(task: TaskSpec, ctx: TaskContext, raw: Record<string, unknown>): (file: string, vars: Record<string, unknown>) => PlayEntry[] {
  const value = raw[Object.keys(raw).find((k) => ctx.registry.get(k)?.name === 'include_tasks')!];
  const applyRaw = isMapping(value) ? value.apply : isMapping(raw.args) ? raw.args.apply : undefined;
  const applyAt = (k: string) => (isMapping(applyRaw) ? locationOf(applyRaw, k) : undefined) ?? task.location;
  if (applyRaw !== undefined && applyRaw !== null) {
    if (!isMapping(applyRaw)) throw new InputError('apply must be a mapping of block keywords (tags, become, ...)', task.location);
    for (const k of Object.keys(applyRaw)) if (!INHERITED_KEYWORDS.includes(k)) throw new InputError(`'${k}' is not a keyword apply can pass down${didYouMean(k, INHERITED_KEYWORDS)}`, applyAt(k));
  }
  const parent = ctx.inherited ?? NOTHING_INHERITED;
  const applied = isMapping(applyRaw) ? inheritFrom(applyRaw, parent, applyAt) : parent;
  const ownVars = mapping(raw.vars, 'vars', locationOf(raw, 'vars') ?? task.location);
  // The include's vars and loop item are include params (above set_fact), as Ansible's TaskInclude.
  return (file, vars) => loadTaskFile(file, ctx, { ...ctx, inherited: { ...applied, vars: { ...applied.vars, ...task.vars, ...vars }, includeParams: { ...parent.includeParams, ...ownVars, ...vars } } }, 'include_tasks', task.location);
}

/**
 * How deep include_tasks may nest: a file may include itself (Ansible allows it, under a when
 * that ends it), up to this many includes in a row.
 */
export const MAX_INCLUDE_DEPTH = 64;

/** A task file, relative to the file naming it, then to the playbook; circular imports refused, includes nested up to MAX_INCLUDE_DEPTH. */
function loadTaskFile(named: string, from: TaskContext, into: TaskContext, what: string, where: SourceLocation): PlayEntry[] {
  const candidates = isAbsolute(named) ? [named] : [...new Set([resolve(dirname(from.file), named), resolve(from.baseDir, named)])];
  const path = candidates.find((c) => existsSync(c));
  if (!path) throw new InputError(`${what}: file '${named}' not found (looked for ${candidates.join(', ')})`, where);
  const chain = from.chain ?? [from.file];
  if (what === 'include_tasks') {
    if (chain.length > MAX_INCLUDE_DEPTH) throw new InputError(`include_tasks nested more than ${MAX_INCLUDE_DEPTH} deep (${path}); a file that includes itself needs a when that ends the recursion`, where);
  } else if (chain.includes(path)) throw new InputError(`${what}: circular import of ${path} (${[...chain, path].join(' → ')})`, where);
  const data = loadYamlFile(path);
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) throw new InputError(`a task file must be a list of tasks`, locationOf(data) ?? { file: path, line: 1, column: 1 });
  return parseEntries(data, 'tasks', { file: path, line: 1, column: 1 }, { ...into, file: path, chain: [...chain, path] });
}

function parseBlock(raw: Record<string, unknown>, fallback: SourceLocation, ctx: TaskContext): BlockSpec {
  const location = locationOf(raw) ?? fallback;
  const at = (key: string) => locationOf(raw, key) ?? location;
  if (ctx.isHandler) throw new InputError('blocks in handlers are not supported', at('block'));
  for (const key of Object.keys(raw)) {
    if (UNSUPPORTED_BLOCK_KEYWORDS[key]) throw new InputError(UNSUPPORTED_BLOCK_KEYWORDS[key], at(key));
    if (!BLOCK_KEYWORDS.includes(key)) throw new InputError(`'${key}' is not a block keyword${didYouMean(key, BLOCK_KEYWORDS)} (a block holds tasks; put the module in a task under block:)`, at(key));
  }
  const inner = { ...ctx, inherited: inheritFrom(raw, ctx.inherited ?? NOTHING_INHERITED, at) };
  const block: BlockSpec = {
    kind: 'block',
    block: parseEntries(raw.block, 'block', at('block'), inner),
    rescue: parseEntries(raw.rescue, 'rescue', at('rescue'), inner),
    always: parseEntries(raw.always, 'always', at('always'), inner),
    location,
  };
  if (raw.name !== undefined && raw.name !== null) block.name = String(raw.name);
  return block;
}

/** One task mapping → TaskSpec, or an InputError pointing at the offending key. */
export function parseTask(written: unknown, fallback: SourceLocation, ctx: TaskContext): TaskSpec {
  const kind = ctx.isHandler ? 'handler' : 'task';
  if (!isMapping(written)) throw new InputError(`a ${kind} must be a mapping (name:, a module, ...)`, fallback);
  const location = locationOf(written) ?? fallback;
  // Keys that local_action stands for are reported at the local_action line.
  const at = (key: string) => locationOf(written, key) ?? ('local_action' in written ? locationOf(written, 'local_action') : undefined) ?? location;
  const raw = 'local_action' in written ? localAction(written, at('local_action')) : 'action' in written ? actionKeyword(written, at('action')) : written;

  const moduleKeys: string[] = [];
  for (const key of Object.keys(raw)) {
    if (UNSUPPORTED_KEYWORDS[key]) throw new InputError(UNSUPPORTED_KEYWORDS[key], at(key));
    if (key.startsWith('with_') && key !== 'with_items' && !lookupNames().includes(key.slice(5))) throw new InputError(`'${key}' is not supported: runbook has no lookup '${key.slice(5)}' (it has ${lookupNames().join(', ')})`, at(key));
    if (key.startsWith('with_') && key !== 'with_items') continue;
    if (key === 'listen' && !ctx.isHandler) throw new InputError(`'listen' is only for handlers`, at(key));
    if (TASK_KEYWORDS.includes(key)) continue;
    if (!ctx.registry.get(key)) {
      const hint = didYouMean(key, [...TASK_KEYWORDS, ...ctx.registry.names()]);
      throw new InputError(`unknown ${kind} keyword or module '${key}'${hint}`, at(key));
    }
    moduleKeys.push(key);
  }
  if (moduleKeys.length === 0) throw new InputError(`${kind} has no module (expected one of: ${moduleNames(ctx.registry)})`, location);
  if (moduleKeys.length > 1) throw new InputError(`${kind} has two modules, '${moduleKeys[0]}' and '${moduleKeys[1]}'; use one per ${kind}`, at(moduleKeys[1]));

  const moduleKey = moduleKeys[0];
  const module = ctx.registry.get(moduleKey)!;
  const inherited = ctx.inherited ?? NOTHING_INHERITED;
  const moduleDefaults = [...(inherited.moduleDefaults ?? []), ...moduleDefaultsOf(raw.module_defaults, at('module_defaults'))];
  const defaults = moduleDefaults.flatMap(({ defaults: entry }) => Object.entries(entry).filter(([name]) => ctx.registry.get(name)?.name === module.name).map(([name, args]) => ({ node: entry, key: name, args: args as Record<string, unknown> })));
  const args = moduleArgs(raw, moduleKey, module, location, defaults);
  checkSourceFile(module.name, args.values, args.origins, ctx.baseDir);
  const validationError = argRuleError(module, args.values) ?? module.validate?.(args.values);
  if (validationError) throw new InputError(`${module.name}: ${validationError}`, at(moduleKey));

  const loops = Object.keys(raw).filter((k) => k === 'loop' || k.startsWith('with_'));
  if (loops.length > 1) throw new InputError(`use one of loop, with_items or with_<lookup>, not ${loops.join(' and ')}`, at(loops[1]));
  const loopControl = raw.loop_control;
  if (loopControl !== undefined && loopControl !== null) {
    if (!isMapping(loopControl)) throw new InputError('loop_control must be a mapping', at('loop_control'));
    for (const key of Object.keys(loopControl)) {
      if (!LOOP_CONTROL_KEYS.includes(key)) throw new InputError(`unsupported loop_control '${key}'${didYouMean(key, LOOP_CONTROL_KEYS)}`, locationOf(loopControl, key) ?? at('loop_control'));
    }
  }
  const loopVar = isMapping(loopControl) && loopControl.loop_var !== undefined ? identifier(loopControl.loop_var, 'loop_var', locationOf(loopControl, 'loop_var') ?? location) : 'item';
  const task: TaskSpec = {
    name: raw.name === undefined || raw.name === null ? summariseTask(module, args.values, flag(raw.no_log, 'no_log', at('no_log')) ?? false) : String(raw.name),
    module: module.name,
    args: args.values,
    vars: { ...inherited.vars, ...mapping(raw.vars, 'vars', at('vars')) },
    when: [...inherited.when, ...(conditions(raw.when, 'when', at('when')) ?? [])],
    tags: [...new Set([...tagList(raw.tags, at('tags')), ...inherited.tags])],
    notify: stringList(raw.notify, 'notify', at('notify')),
    loopVar,
    runOnce: flag(raw.run_once, 'run_once', at('run_once')) ?? inherited.runOnce ?? false,
    ignoreErrors: flag(raw.ignore_errors, 'ignore_errors', at('ignore_errors')) ?? inherited.ignoreErrors ?? false,
    noLog: flag(raw.no_log, 'no_log', at('no_log')) ?? inherited.noLog ?? false,
    listen: stringList(raw.listen, 'listen', at('listen')),
    location,
  };
  if (raw.register !== undefined && raw.register !== null) task.register = identifier(raw.register, 'register', at('register'));
  if (raw.loop !== undefined) task.loop = raw.loop;
  // with_items flattens one level, loop does not (Ansible).
  if (raw.with_items !== undefined) task.loop = Array.isArray(raw.with_items) ? raw.with_items.flat(1) : raw.with_items;
  // with_<lookup>: the lookup's results over the terms, as Ansible's TaskExecutor._get_loop_items.
  const withLookup = loops.find((k) => k.startsWith('with_') && k !== 'with_items');
  if (withLookup) {
    task.loop = raw[withLookup] ?? [];
    task.loopWith = withLookup.slice(5);
  }
  const changedWhen = conditions(raw.changed_when, 'changed_when', at('changed_when'), true);
  if (changedWhen !== undefined) task.changedWhen = changedWhen;
  const failedWhen = conditions(raw.failed_when, 'failed_when', at('failed_when'), true);
  if (failedWhen !== undefined) task.failedWhen = failedWhen;
  const become = flag(raw.become, 'become', at('become')) ?? inherited.become;
  if (become !== undefined) task.become = become;
  if (raw.become_user !== undefined && raw.become_user !== null) task.becomeUser = String(raw.become_user);
  else if (inherited.becomeUser !== undefined) task.becomeUser = inherited.becomeUser;
  const checkMode = flag(raw.check_mode, 'check_mode', at('check_mode')) ?? inherited.checkMode;
  if (checkMode !== undefined) task.checkMode = checkMode;
  executionKeywords(raw, task, at);
  if (isMapping(loopControl) && loopControl.index_var !== undefined && loopControl.index_var !== null) task.indexVar = identifier(loopControl.index_var, 'index_var', locationOf(loopControl, 'index_var') ?? location);
  if (isMapping(loopControl) && loopControl.extended !== undefined) task.loopExtended = flag(loopControl.extended, 'extended', locationOf(loopControl, 'extended') ?? location);
  const environment = [...(inherited.environment ?? []), ...environmentOf(raw.environment, at('environment'))];
  if (environment.length > 0) task.environment = environment;
  const remoteUser = remoteUserOf(raw.remote_user, at('remote_user')) ?? inherited.remoteUser;
  if (remoteUser !== undefined) task.remoteUser = remoteUser;
  const port = portOf(raw.port, at('port')) ?? inherited.port;
  if (port !== undefined) task.port = port;
  const connection = connectionOf(raw.connection, at('connection')) ?? inherited.connection;
  if (connection !== undefined) task.connection = connection;
  collectionsOf(raw.collections, at('collections'));
  becomeMethodOf(raw.become_method, at('become_method'));
  if (inherited.includeParams && Object.keys(inherited.includeParams).length > 0) task.includeParams = inherited.includeParams;
  if (ctx.role) {
    const layers = roleLayersOf(ctx.role);
    task.roleDefaults = layers.defaults;
    task.roleVars = layers.vars;
    if (Object.keys(layers.params).length > 0) task.roleParams = layers.params;
  }
  if (ctx.baseDir) task.baseDir = ctx.baseDir;
  // Every notify must reach a handler of this play, by name or by listen.
  if (ctx.handlerNames) {
    for (const name of task.notify) {
      if (isTemplated(name) || ctx.handlerNames.has(name)) continue;
      throw new InputError(`notify '${name}' names no handler of this play${didYouMean(name, ctx.handlerNames)}`, at('notify'));
    }
  }
  return task;
}

/** until/retries/delay, timeout, throttle, delegate_to, ignore_unreachable: checked here, used by the engine. */
function executionKeywords(raw: Record<string, unknown>, task: TaskSpec, at: (key: string) => SourceLocation): void {
  const until = conditions(raw.until, 'until', at('until'));
  if (until !== undefined) {
    // Parsed now so that a typo stops the run before any host is touched.
    for (const condition of until) referencedVariables(condition, { expression: true, origin: { what: `until of task '${task.name}'`, location: at('until') } });
    task.until = until;
  }
  const retries = count(raw.retries, 'retries', at('retries'), 0);
  if (retries !== undefined) task.retries = retries;
  const delay = count(raw.delay, 'delay', at('delay'), 0);
  if (delay !== undefined) task.delay = delay;
  const timeout = count(raw.timeout, 'timeout', at('timeout'), 0);
  if (timeout !== undefined) task.timeout = timeout;
  const throttle = count(raw.throttle, 'throttle', at('throttle'), 0);
  if (throttle !== undefined) task.throttle = throttle;
  if (raw.delegate_to !== undefined && raw.delegate_to !== null) {
    if (typeof raw.delegate_to !== 'string' || raw.delegate_to.trim() === '') throw new InputError(`delegate_to must be a host name, got ${JSON.stringify(raw.delegate_to)}`, at('delegate_to'));
    task.delegateTo = raw.delegate_to.trim();
    task.delegateLocation = at('delegate_to');
  }
  task.delegateFacts = flag(raw.delegate_facts, 'delegate_facts', at('delegate_facts')) ?? false;
  task.ignoreUnreachable = flag(raw.ignore_unreachable, 'ignore_unreachable', at('ignore_unreachable')) ?? false;
  const fatal = flag(raw.any_errors_fatal, 'any_errors_fatal', at('any_errors_fatal'));
  if (fatal !== undefined) task.anyErrorsFatal = fatal;
}

/**
 * A whole number of at least `min`, or a template rendered when the task runs. Ansible reads a
 * negative retries as one attempt; runbook refuses it, since it is always a mistake.
 */
function count(value: unknown, what: string, location: SourceLocation, min: number): number | string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && isTemplated(value)) return value;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(number)) throw new InputError(`${what} must be a whole number, got ${JSON.stringify(value)}`, location);
  if (number < min) throw new InputError(`${what} must be ${min} or more, got ${number}`, location);
  return number;
}

/** `action: copy src=a dest=b` (or a mapping with `module:`): the module of that name, as in Ansible. */
function actionKeyword(raw: Record<string, unknown>, location: SourceLocation): Record<string, unknown> {
  return moduleKeyword(raw, 'action', location);
}

/** collections: accepted as a list of names; runbook's modules are ansible.builtin's, found by short or full name either way. */
function collectionsOf(value: unknown, location: SourceLocation): void {
  if (value === undefined || value === null) return;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((c) => typeof c === 'string')) throw new InputError('collections must be a list of collection names', location);
}

/** become_method: sudo is the only one runbook has. */
export function becomeMethodOf(value: unknown, location: SourceLocation): void {
  if (value === undefined || value === null || value === 'sudo') return;
  throw new InputError(`become_method ${JSON.stringify(value)} is not supported: runbook becomes other users with sudo only`, location);
}

/**
 * `local_action: copy src=a dest=b` (or a mapping with `module:`) is the module of that name
 * delegated to localhost, as in Ansible.
 */
function localAction(raw: Record<string, unknown>, location: SourceLocation): Record<string, unknown> {
  if ('delegate_to' in raw) throw new InputError('local_action and delegate_to cannot be used together', location);
  return { ...moduleKeyword(raw, 'local_action', location), delegate_to: 'localhost' };
}

function moduleKeyword(raw: Record<string, unknown>, keyword: 'action' | 'local_action', location: SourceLocation): Record<string, unknown> {
  const value = raw[keyword];
  const { [keyword]: _dropped, ...rest } = raw;
  let module: unknown;
  let args: unknown;
  if (typeof value === 'string') {
    const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(value);
    module = match?.[1];
    args = match?.[2] ?? '';
  } else if (isMapping(value)) {
    const { module: name, ...others } = value;
    module = name;
    args = others;
  }
  if (typeof module !== 'string' || module === '') throw new InputError(`${keyword} needs a module: ${keyword}: <module> <arguments>, or a mapping with module:`, location);
  if (module in rest) throw new InputError(`task has two modules, '${module}' (in ${keyword}) and '${module}'`, location);
  return { ...rest, [module]: args };
}

/**
 * Module arguments from module_defaults (lowest, outermost first), then `args:`, then
 * `module: <string | mapping>` (inline wins, as Ansible).
 */
function moduleArgs(raw: Record<string, unknown>, moduleKey: string, module: ModuleDefinition, taskLocation: SourceLocation, defaults: Array<{ args: Record<string, unknown> }> = []): { values: Record<string, unknown>; origins: ArgOrigins } {
  const inline = raw[moduleKey];
  const moduleLocation = locationOf(raw, moduleKey) ?? taskLocation;
  const given: Record<string, unknown> = {};
  const sourceOfKey = new Map<string, { node: object; key: string } | SourceLocation>();
  for (const { args } of defaults) {
    for (const [key, value] of Object.entries(args)) {
      given[key] = value;
      sourceOfKey.set(key, { node: args, key });
    }
  }

  const extra = raw.args;
  if (extra !== undefined && extra !== null) {
    if (!isMapping(extra)) throw new InputError('args must be a mapping', locationOf(raw, 'args') ?? taskLocation);
    for (const [key, value] of Object.entries(extra)) {
      given[key] = value;
      sourceOfKey.set(key, { node: extra, key });
    }
  }
  if (typeof inline === 'string') {
    const valueLocation = valueLocationOf(raw, moduleKey) ?? moduleLocation;
    const isKnown = (key: string) => key in module.args || Object.values(module.args).some((spec) => spec.aliases?.includes(key));
    if (module.freeForm) {
      const { raw: text, args } = parseFreeForm(inline, isKnown);
      if (text) {
        given[RAW_PARAMS] = text;
        sourceOfKey.set(RAW_PARAMS, valueLocation);
      }
      for (const [key, value] of Object.entries(args)) (given[key] = value), sourceOfKey.set(key, valueLocation);
    } else {
      const { args, stray } = parseKeyValues(inline);
      if (stray !== undefined) throw new InputError(`module '${module.name}' takes key=value arguments or a mapping, not free text ('${stray}')`, valueLocation);
      for (const [key, value] of Object.entries(args)) (given[key] = value), sourceOfKey.set(key, valueLocation);
    }
  } else if (isMapping(inline)) {
    for (const [key, value] of Object.entries(inline)) {
      given[key] = value;
      sourceOfKey.set(key, { node: inline, key });
    }
  } else if (inline !== null && inline !== undefined) {
    throw new InputError(`arguments of module '${module.name}' must be a mapping${module.freeForm ? ' or a command line' : ' or key=value text'}`, moduleLocation);
  }

  const origins: ArgOrigins = {
    location(key) {
      const source = sourceOfKey.get(key);
      if (!source) return moduleLocation;
      return 'node' in source ? (locationOf(source.node, source.key) ?? moduleLocation) : source;
    },
    valueLocation(key) {
      const source = sourceOfKey.get(key);
      if (!source) return moduleLocation;
      return 'node' in source ? (valueLocationOf(source.node, source.key) ?? moduleLocation) : source;
    },
    writtenAs(key) {
      const source = sourceOfKey.get(key);
      return source && 'node' in source ? sourceTextOf(source.node, source.key) : undefined;
    },
  };
  return { values: normaliseArgs(module, given, origins), origins };
}

/** template/copy sources must exist next to the playbook, unless templated or on the remote host. */
function checkSourceFile(moduleName: string, args: Record<string, unknown>, origins: ArgOrigins, baseDir: string): void {
  if (moduleName !== 'template' && moduleName !== 'copy') return;
  const src = args.src;
  if (typeof src !== 'string' || isTemplated(src)) return;
  if (moduleName === 'copy' && toBoolean(args.remote_src) === true) return;
  if (resolveSourceFile(baseDir, moduleName, src)) return;
  const tried = sourceFileCandidates(baseDir, moduleName, src).join(', ');
  throw new InputError(`${moduleName} source '${src}' not found (looked for ${tried})`, origins.valueLocation('src'));
}

/** Arguments that say what an unnamed task works on without saying anything secret. */
const NAMING_ARGS = ['dest', 'path', 'name'];

/**
 * "<module> <what>" for unnamed tasks: the command line of a command, else the dest, path or
 * name it works on; never content or other arguments (a secret could be in any of them), and
 * nothing but the module for a no_log task. Kept short.
 */
export function summariseTask(module: ModuleDefinition, args: Record<string, unknown>, noLog: boolean): string {
  if (noLog) return module.name;
  const parts: string[] = [];
  if (typeof args[RAW_PARAMS] === 'string') parts.push(args[RAW_PARAMS] as string);
  else if (module.freeForm && typeof args.cmd === 'string') parts.push(args.cmd);
  else {
    const key = NAMING_ARGS.find((k) => typeof args[k] === 'string' && module.args[k]?.noLog !== true);
    if (key) parts.push(args[key] as string);
  }
  const summary = parts.join(' ').replace(/\n+/g, ' ');
  const short = summary.length > 60 ? `${summary.slice(0, 57)}...` : summary;
  return short ? `${module.name} ${short}` : module.name;
}

function moduleNames(registry: ModuleRegistry): string {
  return registry.names().filter((n) => !n.includes('.')).join(', ');
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mapping(value: unknown, what: string, location: SourceLocation): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) throw new InputError(`${what} must be a mapping`, location);
  return value;
}

export function flag(value: unknown, what: string, location: SourceLocation): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  const bool = toBoolean(value);
  if (bool === undefined) throw new InputError(`${what} must be true or false, got ${JSON.stringify(value)}`, location);
  return bool;
}

export function stringList(value: unknown, what: string, location: SourceLocation): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === 'string' || typeof item === 'number') return String(item);
    throw new InputError(`${what} must be a string or a list of strings`, location);
  });
}

/** Tags: a list, or a comma-separated string. */
export function tagList(value: unknown, location: SourceLocation): string[] {
  const list = typeof value === 'string' ? value.split(',') : stringList(value, 'tags', location);
  return [...new Set(list.map((t) => t.trim()).filter(Boolean))];
}

/**
 * when/changed_when/failed_when: a string, a list (all must hold) or a boolean. Expressions are
 * kept as written (`{{ }}` included) for the engine to evaluate.
 */
function conditions(value: unknown, what: string, location: SourceLocation): string[] | undefined;
function conditions(value: unknown, what: string, location: SourceLocation, keepBoolean: boolean): string[] | boolean | undefined;
function conditions(value: unknown, what: string, location: SourceLocation, keepBoolean = false): string[] | boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return keepBoolean ? value : [String(value)];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'boolean' || typeof item === 'number') return String(item);
    throw new InputError(`${what} must be an expression, a list of expressions or a boolean`, location);
  });
}

function identifier(value: unknown, what: string, location: SourceLocation): string {
  if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new InputError(`${what} must be a variable name, got ${JSON.stringify(value)}`, location);
  }
  return value;
}
