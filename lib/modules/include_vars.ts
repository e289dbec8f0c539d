import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { loadYamlFile } from '../yaml/load.js';
import { pythonRegExp } from './text-edit.js';
import type { ModuleDefinition } from './types.js';

interface IncludeVarsArgs {
  _raw_params?: string;
  file?: string;
  name?: string;
  dir?: string;
  depth: number;
  files_matching?: string;
  ignore_files?: string[] | string;
  extensions: string[];
  ignore_unknown_extensions: boolean;
}

const DIR_ONLY = ['dir', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'] as const;

/**
 * include_vars: variables from a YAML file next to the playbook (`vars/<file>`, then `<file>`),
 * above play and task vars and below set_fact, as Ansible. `name` puts them under one variable.
 * `dir` loads every vars file of a directory as Ansible's action plugin walks it (see loadVarsDir).
 */
export const includeVars: ModuleDefinition<IncludeVarsArgs> = {
  name: 'include_vars',
  description: 'Variables from a YAML file on the controller.',
  example: `- name: Site settings
  include_vars:
    file: vars/site.yaml
`,
  freeForm: true,
  factsAs: 'included',
  args: {
    file: { type: 'path' },
    name: { type: 'str' },
    dir: { type: 'path', description: 'every vars file of this directory (next to the playbook; in a role, under its vars/), sorted, later files winning' },
    depth: { type: 'int', default: 0, description: 'dir: how many directories of the sorted walk to read (0: all)' },
    files_matching: { type: 'str', description: 'dir: only file names this Python regexp finds' },
    ignore_files: { type: 'list', elements: 'str', description: 'dir: file names matching these regexps (anchored at the end) are skipped' },
    extensions: { type: 'list', elements: 'str', default: ['json', 'yaml', 'yml'], description: 'dir: the extensions a vars file may have' },
    ignore_unknown_extensions: { type: 'bool', default: false, description: 'dir: skip files with other extensions instead of failing' },
  },
  mutuallyExclusive: [['file', '_raw_params']],
  validate(args) {
    const raw = args as unknown as Record<string, unknown>;
    // Ansible: the dir-only options with a file are an error (defaults filled in by the loader are not "given").
    const dirOptions = DIR_ONLY.filter((name) => name !== 'dir' && raw[name] !== undefined && JSON.stringify(raw[name]) !== JSON.stringify(includeVars.args[name].default));
    const fileGiven = args.file !== undefined || (args._raw_params ?? '') !== '';
    if ((args.dir === undefined && dirOptions.length > 0) || (args.dir !== undefined && fileGiven)) return 'You are mixing file only and dir only arguments, these are incompatible';
    if (args.dir !== undefined) return undefined;
    return args.file === undefined && (args._raw_params ?? '') === '' ? "include_vars needs 'file' or 'dir' (or the file name as free-form text)" : undefined;
  },
  preflight(args, ctx) {
    // A dir must be there; what its files hold is judged when the task runs (a refused extension fails the task, as Ansible).
    if (args.dir !== undefined) {
      const root = varsDirPath(args.dir, ctx.baseDir);
      if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`${args.dir} directory does not exist`);
    } else loadVarsFile(varsFileArg(args), ctx.baseDir);
  },
  async check(args, ctx) {
    const { files, vars } = args.dir !== undefined ? loadVarsDir(args, ctx.baseDir) : (({ path, vars }) => ({ files: [path], vars }))(loadVarsFile(varsFileArg(args), ctx.baseDir));
    return { changed: false, result: { ansible_facts: args.name ? { [args.name]: vars } : vars, ansible_included_var_files: files } };
  },
  async apply() {
    return { changed: false };
  },
};

function varsFileArg(args: IncludeVarsArgs): string {
  return (args.file ?? args._raw_params ?? '').trim();
}

/** Where Ansible looks for a vars file of a play: `<playbook dir>/vars/<file>`, then `<playbook dir>/<file>`. */
export function varsFileCandidates(file: string, baseDir: string): string[] {
  return isAbsolute(file) ? [file] : [join(baseDir, 'vars', file), join(baseDir, file)];
}

/** The variables of a vars file; a file that is missing or not a mapping is an error. */
export function loadVarsFile(file: string, baseDir: string): { path: string; vars: Record<string, unknown> } {
  const candidates = varsFileCandidates(file, baseDir);
  const path = candidates.find((candidate) => existsSync(candidate));
  if (!path) throw new Error(`Could not find or access '${file}' (looked for ${candidates.join(', ')})`);
  // loadYamlFile opens a vault-encrypted file in memory (its values then secret), as Ansible does.
  const data = loadYamlFile(path) ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new Error(`${path} must be stored as a dictionary/hash`);
  return { path: resolve(path), vars: data as Record<string, unknown> };
}

/** Where a relative `dir` is: next to the playbook, else (a role's tasks) under its vars/. */
function varsDirPath(dir: string, baseDir: string): string {
  if (isAbsolute(dir)) return dir;
  const beside = join(baseDir, dir);
  const inVars = join(baseDir, 'vars', dir);
  return !existsSync(beside) && existsSync(inVars) ? inVars : beside;
}

/**
 * include_vars `dir`, as Ansible 2.14's action plugin: os.walk of the directory, the walk sorted
 * by directory path and cut after `depth` directories of that order (0: all), each directory's
 * files in name order; a file is read when `files_matching` finds its name, no `ignore_files`
 * regexp matches its end, and its extension is one of `extensions` (else the task fails, or
 * the file is skipped with `ignore_unknown_extensions`). Later files win, key by key.
 */
export function loadVarsDir(args: Pick<IncludeVarsArgs, 'dir' | 'depth' | 'files_matching' | 'ignore_files' | 'extensions' | 'ignore_unknown_extensions'>, baseDir: string): { files: string[]; vars: Record<string, unknown> } {
  const root = varsDirPath(args.dir!, baseDir);
  if (!existsSync(root)) throw new Error(`${args.dir} directory does not exist`);
  if (!statSync(root).isDirectory()) throw new Error(`${args.dir} is not a directory`);
  const matcher = args.files_matching !== undefined ? pythonRegExp(args.files_matching) : undefined;
  const ignored = (typeof args.ignore_files === 'string' ? args.ignore_files.split(/\s+/).filter(Boolean) : (args.ignore_files ?? [])).map((pattern) => pythonRegExp(`${pattern}$`));
  const extensions = args.extensions ?? ['json', 'yaml', 'yml'];
  const walk: Array<{ dir: string; files: string[] }> = [];
  const visit = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    walk.push({ dir, files: entries.filter((e) => !e.isDirectory()).map((e) => e.name) });
    for (const e of entries) if (e.isDirectory()) visit(join(dir, e.name));
  };
  visit(root);
  walk.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  const depth = args.depth ?? 0;
  const files: string[] = [];
  const vars: Record<string, unknown> = {};
  for (const { dir, files: names } of depth > 0 ? walk.slice(0, depth) : walk) {
    for (const name of [...names].sort()) {
      if (matcher && !matcher.test(name)) continue;
      if (ignored.some((re) => re.test(name))) continue;
      const known = extensions.includes(extname(name).slice(1));
      if (!known && args.ignore_unknown_extensions) continue;
      const path = join(dir, name);
      if (!known) throw new Error(`${path} does not have a valid extension: ${extensions.join(', ')}`);
      const loaded = loadVarsFile(path, baseDir);
      files.push(loaded.path);
      Object.assign(vars, loaded.vars);
    }
  }
  return { files, vars };
}
