import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InputError, didYouMean, type SourceLocation } from '../errors.js';
import { loadYamlFile, locationOf, parseYaml } from '../yaml/load.js';
import { toBoolean } from '../playbook/args.js';
import type { ConnectionSpec, Inventory, InventoryHost } from './types.js';

/**
 * Ansible's YAML inventory, unchanged:
 *
 *   all:
 *     vars: {...}
 *     hosts: { web1: {ansible_host: 10.0.0.1}, web2: }
 *     children:
 *       web: { hosts: { web1: , web2: }, vars: {...}, children: {...} }
 *
 * Top-level keys other than `all` are groups too (children of `all`). A group may be listed
 * under several parents and a host in several groups; every listing is merged.
 *
 * Variable precedence, as Ansible: groups are applied ordered by depth (all = 0, its children
 * 1, ...; a group under several parents takes its deepest position), then by
 * `ansible_group_priority` (default 1), then by name; host variables come last. So among
 * sibling groups at the same depth, the alphabetically last one wins.
 */

const GROUP_KEYS = ['hosts', 'vars', 'children'];

interface GroupNode {
  name: string;
  parents: Set<string>;
  children: string[];
  hosts: string[]; // hosts listed directly in the group
  vars: Record<string, unknown>;
  varLocations: Map<string, SourceLocation>;
  depth: number;
}

interface HostNode {
  name: string;
  vars: Record<string, unknown>;
  varLocations: Map<string, SourceLocation>;
  directGroups: Set<string>;
  location?: SourceLocation;
}

export function loadInventoryFile(file: string): Inventory {
  return parseInventory(loadYamlFile(file), file);
}

export function parseInventoryText(text: string, file: string): Inventory {
  return parseInventory(parseYaml(text, file), file);
}

export function parseInventory(data: unknown, file: string): Inventory {
  const builder = new InventoryBuilder(file);
  if (data !== null && data !== undefined) {
    if (!isMapping(data)) throw new InputError('inventory must be a mapping of groups (all: ...)', locationOf(data) ?? { file, line: 1, column: 1 });
    for (const [name, value] of Object.entries(data)) {
      builder.addGroup(name, value, name === 'all' ? undefined : 'all', locationOf(data, name));
    }
  }
  return builder.build();
}

class InventoryBuilder {
  private readonly groups = new Map<string, GroupNode>();
  private readonly hosts = new Map<string, HostNode>();

  constructor(private readonly file: string) {
    this.group('all');
    this.group('ungrouped', 'all');
  }

  addGroup(name: string, value: unknown, parent: string | undefined, location: SourceLocation | undefined): void {
    const group = this.group(name, parent);
    if (value === null || value === undefined) return;
    if (!isMapping(value)) throw new InputError(`group '${name}' must be a mapping with hosts, vars or children`, location);
    for (const [key, section] of Object.entries(value)) {
      const keyLocation = locationOf(value, key) ?? location;
      if (!GROUP_KEYS.includes(key)) {
        throw new InputError(`unknown key '${key}' in group '${name}'${didYouMean(key, GROUP_KEYS)}; a group has only hosts, vars and children`, keyLocation);
      }
      if (section === null || section === undefined) continue;
      if (!isMapping(section)) throw new InputError(`'${key}' of group '${name}' must be a mapping`, keyLocation);
      if (key === 'vars') mergeVars(group.vars, group.varLocations, section, keyLocation);
      else if (key === 'hosts') for (const [host, hostVars] of Object.entries(section)) this.addHost(group, host, hostVars, locationOf(section, host));
      else for (const [child, childValue] of Object.entries(section)) this.addGroup(child, childValue, name, locationOf(section, child));
    }
  }

  private group(name: string, parent?: string): GroupNode {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, parents: new Set(), children: [], hosts: [], vars: {}, varLocations: new Map(), depth: 0 };
      this.groups.set(name, group);
    }
    if (parent !== undefined && !group.parents.has(parent)) {
      group.parents.add(parent);
      this.groups.get(parent)!.children.push(name);
    }
    return group;
  }

  private addHost(group: GroupNode, name: string, value: unknown, location: SourceLocation | undefined): void {
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, vars: {}, varLocations: new Map(), directGroups: new Set(), location };
      this.hosts.set(name, host);
    }
    if (!group.hosts.includes(name)) group.hosts.push(name);
    host.directGroups.add(group.name);
    if (value === null || value === undefined) return;
    if (!isMapping(value)) throw new InputError(`host '${name}' must have a mapping of variables (or nothing)`, location);
    mergeVars(host.vars, host.varLocations, value, location);
  }

  build(): Inventory {
    const ungrouped = this.groups.get('ungrouped')!;
    for (const host of this.hosts.values()) {
      const onlyInAll = [...host.directGroups].every((g) => g === 'all');
      if (onlyInAll && !ungrouped.hosts.includes(host.name)) ungrouped.hosts.push(host.name);
    }
    this.computeDepths('all', 0, []);

    const hostOrder = [...this.hosts.keys()];
    const members = new Map<string, Set<string>>();
    const groups = new Map<string, string[]>();
    for (const name of this.groups.keys()) {
      const set = this.membersOf(name, members);
      groups.set(name, hostOrder.filter((h) => set.has(h)));
    }

    const hosts = new Map<string, InventoryHost>();
    for (const host of this.hosts.values()) hosts.set(host.name, this.buildHost(host, members));
    return { file: this.file, hosts, groups };
  }

  private computeDepths(name: string, depth: number, path: string[]): void {
    if (path.includes(name)) throw new InputError(`group '${name}' is its own ancestor (${[...path, name].join(' > ')})`);
    const group = this.groups.get(name)!;
    // A group listed under several parents sits at its deepest position.
    if (depth < group.depth) return;
    group.depth = depth;
    for (const child of group.children) this.computeDepths(child, depth + 1, [...path, name]);
  }

  private membersOf(name: string, cache: Map<string, Set<string>>): Set<string> {
    const cached = cache.get(name);
    if (cached) return cached;
    const group = this.groups.get(name)!;
    // 'all' holds every host, wherever it is listed.
    const set = new Set(name === 'all' ? this.hosts.keys() : group.hosts);
    for (const child of group.children) for (const host of this.membersOf(child, cache)) set.add(host);
    cache.set(name, set);
    return set;
  }

  private buildHost(host: HostNode, members: Map<string, Set<string>>): InventoryHost {
    const groups = [...this.groups.values()].filter((g) => members.get(g.name)!.has(host.name)).sort(compareGroups);
    const vars: Record<string, unknown> = {};
    const varLocations = new Map<string, SourceLocation>();
    for (const group of groups) mergeLoose(vars, varLocations, group.vars, group.varLocations);
    mergeLoose(vars, varLocations, host.vars, host.varLocations);
    return {
      name: host.name,
      vars,
      groups: groups.map((g) => g.name),
      connection: connectionOf(host.name, vars, (key) => varLocations.get(key) ?? host.location, this.file),
      location: host.location,
    };
  }
}

function compareGroups(a: GroupNode, b: GroupNode): number {
  return a.depth - b.depth || priorityOf(a) - priorityOf(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function priorityOf(group: GroupNode): number {
  const priority = Number(group.vars.ansible_group_priority ?? 1);
  return Number.isFinite(priority) ? priority : 1;
}

function mergeVars(target: Record<string, unknown>, locations: Map<string, SourceLocation>, source: Record<string, unknown>, fallback?: SourceLocation): void {
  for (const [key, value] of Object.entries(source)) {
    target[key] = value;
    const location = locationOf(source, key) ?? fallback;
    if (location) locations.set(key, location);
  }
}

function mergeLoose(target: Record<string, unknown>, locations: Map<string, SourceLocation>, source: Record<string, unknown>, sourceLocations: Map<string, SourceLocation>): void {
  for (const [key, value] of Object.entries(source)) {
    target[key] = value;
    const location = sourceLocations.get(key);
    if (location) locations.set(key, location);
  }
}

function connectionOf(name: string, vars: Record<string, unknown>, where: (key: string) => SourceLocation | undefined, inventoryFile: string): ConnectionSpec {
  const connection: ConnectionSpec = {
    address: vars.ansible_host === undefined || vars.ansible_host === null ? name : String(vars.ansible_host),
    port: portOf(vars.ansible_port, where('ansible_port')),
    user: vars.ansible_user === undefined || vars.ansible_user === null ? 'root' : String(vars.ansible_user),
    become: vars.ansible_become === undefined ? false : booleanOf(vars.ansible_become, 'ansible_become', where('ansible_become')),
  };
  const keyFile = vars.ansible_ssh_private_key_file ?? vars.ansible_private_key_file;
  if (keyFile !== undefined && keyFile !== null) connection.privateKeyFile = resolveUserPath(String(keyFile), dirname(resolve(inventoryFile)));
  if (vars.ansible_become_user !== undefined && vars.ansible_become_user !== null) connection.becomeUser = String(vars.ansible_become_user);
  if (vars.ansible_connection === 'local') connection.local = true;
  return connection;
}

function portOf(value: unknown, location: SourceLocation | undefined): number {
  if (value === undefined || value === null) return 22;
  const port = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InputError(`ansible_port must be a port number between 1 and 65535, got ${JSON.stringify(value)}`, location);
  }
  return port;
}

/** Ansible's boolean spellings (true/false, yes/no, on/off, 1/0), or an error naming what was wrong. */
export function booleanOf(value: unknown, what: string, location?: SourceLocation): boolean {
  const known = toBoolean(value);
  if (known !== undefined) return known;
  throw new InputError(`${what} must be a boolean (true/false, yes/no), got ${JSON.stringify(value)}`, location);
}

/** `~` is the local user's home; relative paths are relative to `baseDir`. */
export function resolveUserPath(path: string, baseDir: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
