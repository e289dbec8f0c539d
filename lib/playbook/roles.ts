import { existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { InputError, type SourceLocation } from '../errors.js';
import { loadYamlFile, locationOf } from '../yaml/load.js';
import type { BlockSpec, PlayEntry, TaskSpec } from './types.js';

/** What a play's role loading shares: where roles are looked for, which ran already, and their handlers. */
export interface PlayRoles {
  searchPath: string[];
  /** Roles already in the play (path and parameters): a role runs once unless allow_duplicates. */
  seen: Set<string>;
  /** Handlers of the play's roles, in the order the roles were loaded; they come before the play's own. */
  handlers: TaskSpec[];
  handlersOf: Set<string>;
  /** Every handler name and listen topic, the play's and its roles', for notify checks. */
  handlerNames: Set<string>;
  /**
   * The play's roles whose defaults and vars every task of the play sees (Ansible's play.roles):
   * those of roles: and import_role, read at load; an include_role with public: true adds its
   * role when it runs.
   */
  public: RoleScope[];
}

/**
 * One loaded role, as Ansible's Role object: its own defaults and vars files, the vars: and
 * parameters it was given, its dependencies (resolved even when they do not run again), and the
 * role that depends on it.
 */
export interface RoleScope {
  name: string;
  dir: string;
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** vars: of the roles: entry (or of the import_role/include_role task): role-vars level, below vars/main.yml. */
  entryVars: Record<string, unknown>;
  /** Other keys of the roles: entry: role parameters, above set_fact. */
  params: Record<string, unknown>;
  deps: RoleScope[];
  parent?: RoleScope;
}

/** What a role's variables add to a task's: defaults (lowest), vars (above the play's), params (above set_fact). */
export interface RoleVarLayers {
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  params: Record<string, unknown>;
}

/** Every dependency of a role, recursively, in the order they run (Role.get_all_dependencies). */
function allDependencies(role: RoleScope): RoleScope[] {
  return role.deps.flatMap((dep) => [...allDependencies(dep), dep]);
}

/** The roles that (transitively) depend on this one, outermost first (Ansible's dep chain). */
function parentChain(role: RoleScope): RoleScope[] {
  const chain: RoleScope[] = [];
  for (let parent = role.parent; parent; parent = parent.parent) chain.unshift(parent);
  return chain;
}

/** Role.get_default_vars: the dependencies' defaults, then (for a task of the role) its parents', then its own. */
export function roleDefaults(role: RoleScope, withChain: boolean): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const dep of allDependencies(role)) Object.assign(merged, roleDefaults(dep, false));
  if (withChain) for (const parent of parentChain(role)) Object.assign(merged, parent.defaults);
  return Object.assign(merged, role.defaults);
}

/** Role.get_vars(include_params=False): the parents' entry vars and vars (for a task of the role), the dependencies', its own entry vars, then vars/main.yml. */
export function roleVars(role: RoleScope, withChain: boolean): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  if (withChain) for (const parent of parentChain(role)) Object.assign(merged, parent.entryVars, parent.vars);
  for (const dep of allDependencies(role)) Object.assign(merged, roleVars(dep, false));
  return Object.assign(merged, role.entryVars, role.vars);
}

/** The layers a task of this role sees (with its dependency chain), as VariableManager.get_vars. */
export function roleLayers(role: RoleScope): RoleVarLayers {
  const params: Record<string, unknown> = {};
  for (const parent of parentChain(role)) Object.assign(params, parent.params);
  Object.assign(params, role.params);
  return { defaults: roleDefaults(role, true), vars: roleVars(role, true), params };
}

/**
 * Where roles are looked for, in order (as Ansible): roles/ next to the playbook, the configured
 * paths (RUNBOOK_ROLES_PATH or ANSIBLE_ROLES_PATH, then what the caller passes, e.g. roles_path from
 * ansible.cfg), then the playbook's own directory.
 */
export function roleSearchPath(playbookDir: string, configured: readonly string[] = []): string[] {
  const fromEnv = (process.env.RUNBOOK_ROLES_PATH ?? process.env.ANSIBLE_ROLES_PATH ?? '').split(delimiter).filter(Boolean);
  return [...new Set([join(playbookDir, 'roles'), ...fromEnv.map((p) => resolve(p)), ...configured.map((p) => resolve(playbookDir, p)), playbookDir])];
}

export function findRole(name: string, searchPath: readonly string[], where: SourceLocation): string {
  const candidates = isAbsolute(name) ? [name] : searchPath.map((dir) => join(dir, name));
  const found = candidates.find((c) => existsSync(c) && statSync(c).isDirectory());
  if (!found) throw new InputError(`role '${name}' not found (looked in ${candidates.join(', ')})`, where);
  return found;
}

/** `<role>/<kind>/<name>` as main.yml, main.yaml or main (Ansible's extensions). */
export function roleFile(dir: string, kind: string, name = 'main'): string | undefined {
  return [`${name}.yml`, `${name}.yaml`, name].map((f) => join(dir, kind, f)).find((p) => existsSync(p) && statSync(p).isFile());
}

export function roleVarsFile(dir: string, kind: 'defaults' | 'vars', name = 'main', where?: SourceLocation): Record<string, unknown> {
  const file = roleFile(dir, kind, name);
  if (!file && name !== 'main') throw new InputError(`role has no ${kind} file '${name}' (looked in ${join(dir, kind)})`, where);
  if (!file) return {};
  const data = loadYamlFile(file);
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new InputError(`${kind} file of a role must be a mapping of variables`, locationOf(data) ?? { file, line: 1, column: 1 });
  return data as Record<string, unknown>;
}

export function roleMeta(dir: string): { dependencies: Array<[unknown, SourceLocation]>; allowDuplicates: boolean } {
  const file = roleFile(dir, 'meta');
  if (!file) return { dependencies: [], allowDuplicates: false };
  const data = loadYamlFile(file) as Record<string, unknown> | null;
  if (!data || typeof data !== 'object') return { dependencies: [], allowDuplicates: false };
  const deps = Array.isArray(data.dependencies) ? data.dependencies : [];
  const at = locationOf(data, 'dependencies') ?? { file, line: 1, column: 1 };
  return { dependencies: deps.map((d, i) => [d, locationOf(deps, i) ?? at]), allowDuplicates: data.allow_duplicates === true };
}

export function roleBlock(name: string, entries: PlayEntry[], location: SourceLocation): BlockSpec {
  return { kind: 'block', name: `role ${name}`, block: entries, rescue: [], always: [], location };
}
