import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { subsetParts } from '../facts/gathered.js';
import { InputError, didYouMean, type SourceLocation } from '../errors.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { loadYamlFile, locationOf, parseYaml, valueLocationOf } from '../yaml/load.js';
import { RAW_PARAMS, isTemplated } from './args.js';
import { roleSearchPath, type PlayRoles } from './roles.js';
import { NOTHING_INHERITED, becomeMethodOf, connectionOf, flag, inheritFrom, isMapping, mapping, parseEntries, parseTask, portOf, roleEntries, roleRef, tagList, unsupportedAnsibleKeywords, type Inherited, type TaskContext } from './task.js';
import { builtTask, flattenEntries, type PlaySpec, type TaskSpec, type VarPrompt } from './types.js';

/** Play keywords (Ansible 2.14's Play and Base attributes) runbook carries out. */
const PLAY_KEYWORDS = [
  'name', 'hosts', 'vars', 'vars_files', 'tags', 'become', 'become_user', 'pre_tasks', 'roles', 'tasks', 'post_tasks',
  'handlers', 'gather_facts', 'gather_subset', 'gather_timeout', 'serial', 'strategy', 'max_fail_percentage', 'any_errors_fatal',
  'remote_user', 'port', 'connection', 'environment', 'module_defaults', 'no_log', 'ignore_errors', 'check_mode', 'run_once',
  'collections', 'become_method', 'order', 'vars_prompt',
];
/** The other play keywords of Ansible 2.14: refused by name, with why where it helps. */
const UNSUPPORTED_PLAY_KEYWORDS: Record<string, string> = {
  include_playbook: `'include_playbook' is not supported (removed from Ansible too): use import_playbook`,
  force_handlers: `'force_handlers' is not supported: handlers of a failed host do not run`,
  fact_path: `'fact_path' is not supported: runbook does not gather local facts (facts.d)`,
  ...unsupportedAnsibleKeywords(['ignore_unreachable', 'throttle', 'timeout', 'debugger', 'diff', 'become_flags', 'become_exe', 'delegate_to', 'delegate_facts'], ' on a play (set it on the tasks)'),
};
export const STRATEGIES = ['linear', 'free'] as const;

/**
 * Reads a playbook (a YAML list of plays) and checks everything that can be checked before
 * touching a host: modules and their arguments, notify targets, template/copy sources.
 * Every error is an InputError at the file:line:column of the offending task or key.
 */
export interface LoadOptions {
  /** Where else roles are looked for (e.g. roles_path from ansible.cfg), after roles/ next to the playbook and the environment's. */
  rolesPath?: string[];
  /** ansible.cfg private_role_vars (else ANSIBLE_PRIVATE_ROLE_VARS): roles' vars stay with their own tasks. */
  privateRoleVars?: boolean;
}

export function loadPlaybookFile(file: string, registry: ModuleRegistry, options: LoadOptions = {}): PlaySpec[] {
  return parsePlaybook(loadYamlFile(file), file, registry, { chain: [resolve(file)], rolesPath: options.rolesPath ?? [], privateRoleVars: options.privateRoleVars, tags: [], when: [], vars: {} });
}

export function parsePlaybookText(text: string, file: string, registry: ModuleRegistry): PlaySpec[] {
  return parsePlaybook(parseYaml(text, file), file, registry);
}

/** What an import_playbook passes down to the plays it imports, and the files on the way (to refuse a cycle). */
interface Imported {
  chain: string[];
  /** Configured role paths (ansible.cfg roles_path), searched after roles/ next to the playbook. */
  rolesPath: string[];
  privateRoleVars?: boolean;
  tags: string[];
  when: string[];
  vars: Record<string, unknown>;
}

const IMPORT_PLAYBOOK = ['import_playbook', 'ansible.builtin.import_playbook'];
const IMPORT_PLAYBOOK_KEYWORDS = ['name', 'tags', 'vars', 'when'];

export function parsePlaybook(data: unknown, file: string, registry: ModuleRegistry, imported?: Imported): PlaySpec[] {
  const start: SourceLocation = { file, line: 1, column: 1 };
  if (data === null || data === undefined) throw new InputError('playbook has no plays', start);
  if (!Array.isArray(data)) throw new InputError('a playbook must be a list of plays (- hosts: ...)', locationOf(data) ?? start);
  const baseDir = dirname(resolve(file));
  const outer = imported ?? { chain: [resolve(file)], rolesPath: [], tags: [], when: [], vars: {} };
  return data.flatMap((entry, index) => {
    const location = locationOf(data, index) ?? start;
    const key = isMapping(entry) ? IMPORT_PLAYBOOK.find((k) => k in entry) : undefined;
    if (key) return importPlaybook(entry as Record<string, unknown>, key, location, baseDir, registry, outer);
    return [parsePlay(entry, location, { registry, file, baseDir }, outer)];
  });
}

/** import_playbook: the other file's plays, here, with this entry's tags, when and vars passed down (as Ansible). */
function importPlaybook(raw: Record<string, unknown>, key: string, location: SourceLocation, baseDir: string, registry: ModuleRegistry, outer: Imported): PlaySpec[] {
  const at = (k: string) => locationOf(raw, k) ?? location;
  for (const k of Object.keys(raw)) {
    if (k !== key && !IMPORT_PLAYBOOK_KEYWORDS.includes(k)) throw new InputError(`'${k}' is not a keyword of import_playbook${didYouMean(k, IMPORT_PLAYBOOK_KEYWORDS)}`, at(k));
  }
  const named = raw[key];
  const where = valueLocationOf(raw, key) ?? at(key);
  if (typeof named !== 'string' || named === '') throw new InputError('import_playbook needs a file name', where);
  if (isTemplated(named)) throw new InputError(`import_playbook is read before any host runs, so its file name cannot be templated ('${named}')`, where);
  const path = resolve(baseDir, named);
  if (!existsSync(path)) throw new InputError(`import_playbook: file '${named}' not found (looked for ${path})`, where);
  if (outer.chain.includes(path)) throw new InputError(`import_playbook: circular import of ${path} (${[...outer.chain, path].join(' → ')})`, where);
  const when = raw.when === undefined || raw.when === null ? [] : Array.isArray(raw.when) ? raw.when.map(String) : [String(raw.when)];
  return parsePlaybook(loadYamlFile(path), path, registry, {
    chain: [...outer.chain, path],
    rolesPath: outer.rolesPath,
    privateRoleVars: outer.privateRoleVars,
    tags: [...new Set([...outer.tags, ...tagList(raw.tags, at('tags'))])],
    when: [...outer.when, ...when],
    vars: { ...outer.vars, ...mapping(raw.vars, 'vars', at('vars')) },
  });
}

function parsePlay(raw: unknown, fallback: SourceLocation, ctx: Omit<TaskContext, 'isHandler'>, imported: Imported): PlaySpec {
  if (!isMapping(raw)) throw new InputError('a play must be a mapping (hosts:, tasks:, ...)', fallback);
  const location = locationOf(raw) ?? fallback;
  const at = (key: string) => locationOf(raw, key) ?? location;

  for (const key of Object.keys(raw)) {
    if (UNSUPPORTED_PLAY_KEYWORDS[key]) throw new InputError(UNSUPPORTED_PLAY_KEYWORDS[key], at(key));
    if (key === 'when') throw new InputError(`'when' is not a play keyword (as in Ansible): put it on the tasks, a block, or the import_playbook`, at(key));
    if (!PLAY_KEYWORDS.includes(key)) throw new InputError(`unknown play keyword '${key}'${didYouMean(key, PLAY_KEYWORDS)}`, at(key));
  }

  const hosts = hostPattern(raw.hosts, 'hosts' in raw ? at('hosts') : location);
  const tags = [...new Set([...tagList(raw.tags, at('tags')), ...imported.tags])];
  const fromFiles = { ...varsFiles(raw.vars_files, ctx.baseDir, at('vars_files')), ...imported.vars };
  const vars = { ...mapping(raw.vars, 'vars', at('vars')), ...fromFiles };
  const varsPrompt = 'vars_prompt' in raw ? varPrompts(raw.vars_prompt, at('vars_prompt'), fromFiles) : undefined;

  // Handlers first: every notify, of a task or of a handler, must reach one of them.
  // Play keywords every task takes unless it (or its block) says otherwise; the connection ones stay on the play.
  const passedDown = Object.fromEntries(['no_log', 'ignore_errors', 'check_mode', 'run_once', 'environment', 'module_defaults'].filter((k) => k in raw).map((k) => [k, raw[k]]));
  const inherited: Inherited = { ...inheritFrom(passedDown, NOTHING_INHERITED, at), tags };
  const handlerItems = taskList(raw.handlers, 'handlers', at('handlers'));
  const handlers = handlerItems.map(([item, itemLocation]) => parseTask(item, itemLocation, { ...ctx, isHandler: true, inherited }));
  const handlerNames = new Set(handlers.flatMap((h) => [h.name, ...h.listen]));
  const roles: PlayRoles = { searchPath: roleSearchPath(ctx.baseDir, imported.rolesPath), seen: new Set(), handlers: [], handlersOf: new Set(), handlerNames, public: [] };
  const taskCtx = { ...ctx, isHandler: false, handlerNames, inherited: { ...inherited, when: imported.when }, chain: imported.chain, roles };
  // Roles first: their handlers (before the play's own, as Ansible) must be known to every notify.
  const roleList = taskList(raw.roles, 'roles', at('roles'));
  const roleBlocks = roleList.flatMap(([item, itemLocation]) => roleEntries({ ...roleRef(item, itemLocation), exposed: true }, itemLocation, taskCtx, true));
  for (const [index, handler] of handlers.entries()) {
    for (const name of handler.notify) {
      if (isTemplated(name) || handlerNames.has(name)) continue;
      const where = locationOf(handlerItems[index][0], 'notify') ?? handler.location;
      throw new InputError(`notify '${name}' names no handler of this play${didYouMean(name, handlerNames)}`, where);
    }
  }
  roles.handlers.push(...handlers);
  const section = (key: string) => parseEntries(raw[key], key, at(key), taskCtx);
  // As Ansible compiles a play: notified handlers run after pre_tasks, after roles and tasks, after post_tasks.
  const flush = () => implicitFlush(location);
  const body = [...section('pre_tasks'), flush(), ...roleBlocks, ...section('tasks'), flush(), ...section('post_tasks'), flush()];

  const play: PlaySpec = {
    name: raw.name === undefined || raw.name === null ? hosts : String(raw.name),
    hosts,
    vars,
    tags,
    // Ansible's default; the engine decides what gathering means.
    gatherFacts: flag(raw.gather_facts, 'gather_facts', at('gather_facts')) ?? true,
    anyErrorsFatal: flag(raw.any_errors_fatal, 'any_errors_fatal', at('any_errors_fatal')) ?? false,
    gatherSubset: gatherSubset(raw.gather_subset, at('gather_subset')),
    body,
    tasks: flattenEntries(body).filter((t) => !t.implicit),
    // The same list include_role adds a role's handlers to at run time.
    handlers: roles.handlers,
    location,
    baseDir: ctx.baseDir,
    ...(varsPrompt ? { varsPrompt } : {}),
    publicRoles: roles.public,
  };
  const privateRoleVars = imported.privateRoleVars ?? envFlag(process.env.ANSIBLE_PRIVATE_ROLE_VARS);
  if (privateRoleVars) play.privateRoleVars = true;
  const remoteUser = raw.remote_user;
  if (remoteUser !== undefined && remoteUser !== null) {
    if (typeof remoteUser !== 'string' && typeof remoteUser !== 'number') throw new InputError(`remote_user must be a user name, got ${JSON.stringify(remoteUser)}`, at('remote_user'));
    play.remoteUser = String(remoteUser);
  }
  const port = portOf(raw.port, at('port'));
  if (port !== undefined) play.port = port;
  const connection = connectionOf(raw.connection, at('connection'));
  if (connection !== undefined) play.connection = connection;
  becomeMethodOf(raw.become_method, at('become_method'));
  if (raw.order !== undefined && raw.order !== null && raw.order !== 'inventory') throw new InputError(`order ${JSON.stringify(raw.order)} is not supported: hosts run in inventory order`, at('order'));
  if (raw.gather_timeout !== undefined && raw.gather_timeout !== null && !(typeof raw.gather_timeout === 'number' && raw.gather_timeout > 0)) throw new InputError(`gather_timeout must be a number of seconds, got ${JSON.stringify(raw.gather_timeout)}`, at('gather_timeout'));
  const become = flag(raw.become, 'become', at('become'));
  if (become !== undefined) play.become = become;
  if (raw.become_user !== undefined && raw.become_user !== null) play.becomeUser = String(raw.become_user);
  const serial = serialOf(raw.serial, at('serial'));
  if (serial !== undefined) play.serial = serial;
  if (raw.strategy !== undefined && raw.strategy !== null) play.strategy = strategyOf(raw.strategy, at('strategy'));
  if (raw.max_fail_percentage !== undefined && raw.max_fail_percentage !== null) {
    const pct = typeof raw.max_fail_percentage === 'string' && /^\s*\d+(\.\d+)?%?\s*$/.test(raw.max_fail_percentage) ? Number(raw.max_fail_percentage.replace('%', '')) : raw.max_fail_percentage;
    if (typeof pct !== 'number' || !(pct >= 0 && pct <= 100)) throw new InputError(`max_fail_percentage must be a number from 0 to 100, got ${JSON.stringify(raw.max_fail_percentage)}`, at('max_fail_percentage'));
    play.maxFailPercentage = pct;
  }
  return play;
}

/** An environment variable read as Ansible reads a boolean setting. */
function envFlag(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on', 't', 'y'].includes(value.trim().toLowerCase());
}

export function strategyOf(value: unknown, location?: SourceLocation): 'linear' | 'free' {
  if (typeof value === 'string' && (STRATEGIES as readonly string[]).includes(value)) return value as 'linear' | 'free';
  throw new InputError(`strategy must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(value)}${typeof value === 'string' ? didYouMean(value, STRATEGIES) : ''}`, location);
}

/** serial: a count, a percentage, or a list of them (`[1, 5, "20%"]`); each checked here unless templated. */
function serialOf(value: unknown, location: SourceLocation): Array<number | string> | string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && isTemplated(value)) return value;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new InputError('serial must be a count, a percentage or a non-empty list of them', location);
  return list.map((entry, index) => batchSize(entry, Array.isArray(value) ? (locationOf(value, index) ?? location) : location));
}

/** One serial entry: a whole number of 1 or more, or 'N%' with N of 0 or more (at least one host). */
export function batchSize(entry: unknown, location?: SourceLocation): number | string {
  if (typeof entry === 'string' && isTemplated(entry)) return entry;
  if (typeof entry === 'string' && entry.trim().endsWith('%')) {
    const text = entry.trim().slice(0, -1).trim();
    if (!/^\d+(\.\d+)?$/.test(text)) throw new InputError(`serial percentage must be a number of 0 or more followed by %, got ${JSON.stringify(entry)}`, location);
    return `${Number(text)}%`;
  }
  const number = typeof entry === 'number' ? entry : typeof entry === 'string' && /^\s*-?\d+\s*$/.test(entry) ? Number(entry) : NaN;
  if (!Number.isInteger(number)) throw new InputError(`serial must be a whole number, a percentage ("20%") or a list of them, got ${JSON.stringify(entry)}`, location);
  if (number < 1) throw new InputError(`serial must be 1 or more (a batch of ${number} hosts would never finish), got ${number}`, location);
  return number;
}

function implicitFlush(location: SourceLocation): TaskSpec {
  return builtTask({ name: 'meta: flush_handlers', module: 'meta', args: { [RAW_PARAMS]: 'flush_handlers' }, implicit: true, location });
}

function hostPattern(value: unknown, location: SourceLocation): string {
  if (value === undefined || value === null || value === '') throw new InputError(`play has no 'hosts' (e.g. hosts: all)`, location);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value.join(',');
  throw new InputError(`hosts must be a host pattern string or a list of them`, location);
}

function taskList(value: unknown, what: string, location: SourceLocation): Array<[unknown, SourceLocation]> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InputError(`${what} must be a list`, location);
  return value.map((item, index) => [item, locationOf(value, index) ?? location]);
}

/** vars_files, relative to the playbook; their variables override the play's vars (as Ansible). */
function varsFiles(value: unknown, baseDir: string, location: SourceLocation): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  const files = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(files)) throw new InputError('vars_files must be a list of files', location);
  const vars: Record<string, unknown> = {};
  files.forEach((entry, index) => {
    const where = locationOf(files, index) ?? location;
    if (typeof entry !== 'string') throw new InputError('vars_files entries must be file names', where);
    if (isTemplated(entry)) throw new InputError(`templated vars_files are not supported ('${entry}')`, where);
    let data: unknown;
    try {
      data = loadYamlFile(resolve(baseDir, entry));
    } catch (error) {
      // A missing file is the playbook's mistake: point at the line naming it.
      if (error instanceof InputError && !error.location) throw new InputError(error.message, where);
      throw error;
    }
    if (data === null || data === undefined) return;
    if (!isMapping(data)) throw new InputError(`vars file '${entry}' must be a mapping of variables`, locationOf(data) ?? where);
    Object.assign(vars, data);
  });
  return vars;
}

/** A play's gather_subset: a list or a comma-separated string of Ansible's subset names. */
function gatherSubset(value: unknown, location: SourceLocation): string[] {
  if (value === undefined || value === null) return ['all'];
  const names = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : undefined;
  if (!names) throw new InputError(`gather_subset must be a list or a comma-separated string, got ${JSON.stringify(value)}`, location);
  try {
    subsetParts(names);
  } catch (error) {
    throw new InputError((error as Error).message, location);
  }
  return names.map((n) => n.trim());
}

const VAR_PROMPT_KEYS = ['name', 'prompt', 'default', 'private', 'confirm', 'unsafe'];
const VAR_PROMPT_UNSUPPORTED: Record<string, string> = {
  encrypt: "vars_prompt 'encrypt' is not supported yet (runbook has no password_hash): hash the value before passing it with -e",
  salt: "vars_prompt 'salt' is not supported yet (it goes with 'encrypt')",
  salt_size: "vars_prompt 'salt_size' is not supported yet (it goes with 'encrypt')",
};

/** vars_prompt: a list of mappings, each with a name; asked by the CLI before any host is touched. */
function varPrompts(raw: unknown, location: SourceLocation, fromFiles: Record<string, unknown>): VarPrompt[] {
  if (!Array.isArray(raw)) throw new InputError('vars_prompt must be a list of mappings with name:', location);
  return raw.map((entry, index) => {
    const where = locationOf(raw, index) ?? location;
    if (!isMapping(entry) || typeof entry.name !== 'string' || entry.name === '') throw new InputError('a vars_prompt entry needs a name:', where);
    for (const key of Object.keys(entry)) {
      const at = locationOf(entry, key) ?? where;
      if (VAR_PROMPT_UNSUPPORTED[key]) throw new InputError(VAR_PROMPT_UNSUPPORTED[key], at);
      if (!VAR_PROMPT_KEYS.includes(key)) throw new InputError(`unknown vars_prompt key '${key}'${didYouMean(key, [...VAR_PROMPT_KEYS, ...Object.keys(VAR_PROMPT_UNSUPPORTED)])}`, at);
    }
    return {
      name: entry.name,
      prompt: entry.prompt === undefined || entry.prompt === null ? undefined : String(entry.prompt),
      default: entry.default ?? undefined,
      private: flag(entry.private, 'private', where) ?? true,
      confirm: flag(entry.confirm, 'confirm', where) ?? false,
      shadowed: entry.name in fromFiles,
      location: where,
    };
  });
}
