import { dirname, resolve } from 'node:path';
import { subsetParts } from '../facts/gathered.js';
import { InputError, didYouMean, type SourceLocation } from '../errors.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { loadYamlFile, locationOf, parseYaml } from '../yaml/load.js';
import { RAW_PARAMS, isTemplated } from './args.js';
import { NOTHING_INHERITED, flag, isMapping, mapping, parseEntries, parseTask, tagList, type TaskContext } from './task.js';
import { flattenEntries, type PlaySpec, type TaskSpec } from './types.js';

const PLAY_KEYWORDS = ['name', 'hosts', 'vars', 'vars_files', 'tags', 'become', 'become_user', 'pre_tasks', 'tasks', 'post_tasks', 'handlers', 'gather_facts', 'gather_subset'];
const UNSUPPORTED_PLAY_KEYWORDS = ['roles', 'import_playbook', 'include_playbook', 'serial', 'strategy'];

/**
 * Reads a playbook (a YAML list of plays) and checks everything that can be checked before
 * touching a host: modules and their arguments, notify targets, template/copy sources.
 * Every error is an InputError at the file:line:column of the offending task or key.
 */
export function loadPlaybookFile(file: string, registry: ModuleRegistry): PlaySpec[] {
  return parsePlaybook(loadYamlFile(file), file, registry);
}

export function parsePlaybookText(text: string, file: string, registry: ModuleRegistry): PlaySpec[] {
  return parsePlaybook(parseYaml(text, file), file, registry);
}

export function parsePlaybook(data: unknown, file: string, registry: ModuleRegistry): PlaySpec[] {
  const start: SourceLocation = { file, line: 1, column: 1 };
  if (data === null || data === undefined) throw new InputError('playbook has no plays', start);
  if (!Array.isArray(data)) throw new InputError('a playbook must be a list of plays (- hosts: ...)', locationOf(data) ?? start);
  const baseDir = dirname(resolve(file));
  return data.map((play, index) => parsePlay(play, locationOf(data, index) ?? start, { registry, file, baseDir }));
}

function parsePlay(raw: unknown, fallback: SourceLocation, ctx: Omit<TaskContext, 'isHandler'>): PlaySpec {
  if (!isMapping(raw)) throw new InputError('a play must be a mapping (hosts:, tasks:, ...)', fallback);
  const location = locationOf(raw) ?? fallback;
  const at = (key: string) => locationOf(raw, key) ?? location;

  for (const key of Object.keys(raw)) {
    if (UNSUPPORTED_PLAY_KEYWORDS.includes(key)) throw new InputError(`'${key}' is not supported`, at(key));
    if (!PLAY_KEYWORDS.includes(key)) throw new InputError(`unknown play keyword '${key}'${didYouMean(key, PLAY_KEYWORDS)}`, at(key));
  }

  const hosts = hostPattern(raw.hosts, 'hosts' in raw ? at('hosts') : location);
  const tags = tagList(raw.tags, at('tags'));
  const vars = { ...mapping(raw.vars, 'vars', at('vars')), ...varsFiles(raw.vars_files, ctx.baseDir, at('vars_files')) };

  // Handlers first: every notify, of a task or of a handler, must reach one of them.
  const inherited = { ...NOTHING_INHERITED, tags };
  const handlerItems = taskList(raw.handlers, 'handlers', at('handlers'));
  const handlers = handlerItems.map(([item, itemLocation]) => parseTask(item, itemLocation, { ...ctx, isHandler: true, inherited }));
  const handlerNames = new Set(handlers.flatMap((h) => [h.name, ...h.listen]));
  for (const [index, handler] of handlers.entries()) {
    for (const name of handler.notify) {
      if (isTemplated(name) || handlerNames.has(name)) continue;
      const where = locationOf(handlerItems[index][0], 'notify') ?? handler.location;
      throw new InputError(`notify '${name}' names no handler of this play${didYouMean(name, handlerNames)}`, where);
    }
  }
  const taskCtx = { ...ctx, isHandler: false, handlerNames, inherited };
  const section = (key: string) => parseEntries(raw[key], key, at(key), taskCtx);
  // As Ansible compiles a play: notified handlers run after pre_tasks, after tasks, after post_tasks.
  const flush = () => implicitFlush(location);
  const body = [...section('pre_tasks'), flush(), ...section('tasks'), flush(), ...section('post_tasks'), flush()];

  const play: PlaySpec = {
    name: raw.name === undefined || raw.name === null ? hosts : String(raw.name),
    hosts,
    vars,
    tags,
    // Ansible's default; the engine decides what gathering means.
    gatherFacts: flag(raw.gather_facts, 'gather_facts', at('gather_facts')) ?? true,
    gatherSubset: gatherSubset(raw.gather_subset, at('gather_subset')),
    body,
    tasks: flattenEntries(body).filter((t) => !t.implicit),
    handlers,
    location,
    baseDir: ctx.baseDir,
  };
  const become = flag(raw.become, 'become', at('become'));
  if (become !== undefined) play.become = become;
  if (raw.become_user !== undefined && raw.become_user !== null) play.becomeUser = String(raw.become_user);
  return play;
}

function implicitFlush(location: SourceLocation): TaskSpec {
  return {
    name: 'meta: flush_handlers',
    module: 'meta',
    args: { [RAW_PARAMS]: 'flush_handlers' },
    vars: {},
    when: [],
    tags: [],
    notify: [],
    loopVar: 'item',
    runOnce: false,
    ignoreErrors: false,
    noLog: false,
    listen: [],
    implicit: true,
    location,
  };
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
