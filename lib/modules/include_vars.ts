import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { loadYamlFile } from '../yaml/load.js';
import type { ModuleDefinition } from './types.js';

interface IncludeVarsArgs {
  _raw_params?: string;
  file?: string;
  name?: string;
}

/**
 * include_vars: variables from a YAML file next to the playbook (`vars/<file>`, then `<file>`),
 * above play and task vars and below set_fact, as Ansible. `name` puts them under one variable.
 * `dir` and its options are not supported.
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
  },
  mutuallyExclusive: [['file', '_raw_params']],
  validate: (args) => (args.file === undefined && (args._raw_params ?? '') === '' ? "include_vars needs 'file' (or the file name as free-form text)" : undefined),
  preflight(args, ctx) {
    loadVarsFile(varsFileArg(args), ctx.baseDir);
  },
  async check(args, ctx) {
    const { path, vars } = loadVarsFile(varsFileArg(args), ctx.baseDir);
    return { changed: false, result: { ansible_facts: args.name ? { [args.name]: vars } : vars, ansible_included_var_files: [path] } };
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
