import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { InputError, type SourceLocation } from '../errors.js';
import { loadYamlFile, locationOf } from '../yaml/load.js';

/**
 * group_vars/ and host_vars/ as Ansible's host_group_vars plugin reads them
 * (parsing/dataloader.py `find_vars_files`): for a name N, the first of `N` (a directory, or a file
 * without extension), `N.yml`, `N.yaml`, `N.json` that exists is the only one used. A directory is
 * read recursively, names sorted, skipping hidden files, names ending in `~`, and files with
 * other extensions; later files override earlier ones, variable by variable. Vault-encrypted
 * files are decrypted in memory.
 */

const EXTENSIONS = ['.yml', '.yaml', '.json'];

export type VarsFileCache = Map<string, Record<string, unknown>>;

export class VarsFiles {
  /** Whether each group_vars/host_vars folder exists, asked once per folder rather than once per host and group. */
  private readonly folders = new Map<string, boolean>();

  constructor(private readonly cache: VarsFileCache = new Map()) {}

  groupVars(dir: string, group: string): Record<string, unknown> {
    return this.read(join(dir, 'group_vars'), group);
  }

  hostVars(dir: string, host: string): Record<string, unknown> {
    return this.read(join(dir, 'host_vars'), host);
  }

  private read(folder: string, name: string): Record<string, unknown> {
    const key = `${folder}\0${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const vars: Record<string, unknown> = {};
    // Names that are paths (chroot-style hosts) have no vars files.
    if (!name.startsWith('/')) {
      let exists = this.folders.get(folder);
      if (exists === undefined) this.folders.set(folder, (exists = isDirectory(folder)));
      if (exists) for (const file of findVarsFiles(folder, name)) Object.assign(vars, loadVarsFile(file));
    }
    this.cache.set(key, vars);
    return vars;
  }
}

/** The files that hold N's variables, in the order they apply, in a folder that exists (VarsFiles asks once per folder). */
function findVarsFiles(folder: string, name: string): string[] {
  for (const ext of ['', ...EXTENSIONS]) {
    const path = join(folder, `${name}${ext}`);
    let stat;
    try {
      // Not there is the common case (every host, every group): no error built for it.
      stat = statSync(path, { throwIfNoEntry: false });
    } catch {
      continue;
    }
    if (!stat) continue;
    return stat.isDirectory() ? filesIn(path) : [path];
  }
  return [];
}

function filesIn(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const path = join(dir, entry);
    const ext = extname(entry);
    const stat = statSync(path);
    if (stat.isDirectory() && !ext) found.push(...filesIn(path));
    else if (stat.isFile() && (!ext || EXTENSIONS.includes(ext))) found.push(path);
  }
  return found;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

/** A vars file: a mapping of variables (empty files count as none). Locations are kept for errors. */
export function loadVarsFile(file: string): Record<string, unknown> {
  const data = loadYamlFile(file);
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    const at: SourceLocation = locationOf(data) ?? { file, line: 1, column: 1 };
    throw new InputError(`vars file must be a mapping of variables, got ${Array.isArray(data) ? 'a list' : JSON.stringify(data)}`, at);
  }
  return data as Record<string, unknown>;
}
