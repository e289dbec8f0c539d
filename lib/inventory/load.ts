import { IMPLICIT_LOCALHOST, implicitLocalhost } from './localhost.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isExecutable } from '../util/files.js';
import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { InputError, didYouMean, type SourceLocation } from '../errors.js';
import { loadYamlFile, locationOf, parseYaml } from '../yaml/load.js';
import { toBoolean } from '../playbook/args.js';
import { isVaultText } from '../vault/envelope.js';
import { expandHostPattern, HostPatternError } from './host-pattern.js';
import { readIniInventory } from './ini.js';
import type { InventorySink } from './sink.js';
import type { ConnectionSpec, Inventory, InventoryHost } from './types.js';
import { VarsFiles, type VarsFileCache } from './vars-files.js';
import { portNumber } from '../util/port.js';

/**
 * Inventories as Ansible reads them: YAML or INI files, directories of them, and comma lists
 * of hosts; several sources merge into one inventory (a later source adds to the same groups and
 * hosts). `group_vars/` and `host_vars/` next to each source (and next to the playbook, see
 * withPlaybookDir) are layered in Ansible's order (vars/manager.py, VARIABLE_PRECEDENCE):
 *
 *   all's inventory vars < other groups' inventory vars < group_vars/all (inventory, then playbook)
 *   < group_vars/<group> (inventory, then playbook) < host's inventory vars < host_vars (inventory,
 *   then playbook)
 *
 * Groups are ordered by depth (all = 0, its children 1, ...; a group under several parents takes
 * its deepest position), then `ansible_group_priority`, then name: among sibling groups at the same
 * depth, the alphabetically last one wins.
 */

const GROUP_KEYS = ['hosts', 'vars', 'children'];
/** Files an inventory directory skips (inventory/manager.py IGNORED, INVENTORY_IGNORE_EXTS). */
const IGNORED_NAME = /^\.|^host_vars$|^group_vars$|^vars_plugins$|(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;
const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];

interface GroupNode {
  name: string;
  parents: string[];
  children: string[];
  hosts: Set<string>; // hosts listed directly in the group, in the order added (a set: 10,000-host groups)
  vars: Record<string, unknown>;
  varLocations: Map<string, SourceLocation>;
  priority: number;
  depth: number;
}

interface HostNode {
  name: string;
  vars: Record<string, unknown>;
  varLocations: Map<string, SourceLocation>;
  directGroups: Set<string>;
  location?: SourceLocation;
}

/** What withPlaybookDir needs to layer playbook-adjacent vars between the inventory's own. */
interface BuiltState {
  builder: InventoryBuilder;
  sourceDirs: string[];
  varsFiles: VarsFiles;
  byPlaybookDir: Map<string, Inventory>;
  /** The inventory as loaded, and the implicit localhost names patterns have added to it and its layerings. */
  root: Inventory;
  implicit: Set<string>;
}

const builtStates = new WeakMap<Inventory, BuiltState>();

/** One inventory source: a file, a directory of them, or a comma list of hosts. */
export function loadInventoryFile(file: string): Inventory {
  return loadInventory([file]);
}

/** Several sources merged in order (repeated -i), as Ansible. */
export function loadInventory(sources: string[], options: { varsCache?: VarsFileCache } = {}): Inventory {
  const builder = new InventoryBuilder(sources[0] ?? 'inventory');
  const sourceDirs: string[] = [];
  for (const source of sources) {
    if (isHostList(source)) {
      for (const entry of source.split(',').map((s) => s.trim()).filter(Boolean)) {
        const { hosts, port } = expandHostListEntry(entry);
        for (const host of hosts) builder.addHost('ungrouped', host, {}, undefined, port);
      }
      continue;
    }
    const path = resolve(source);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new InputError(`inventory ${source} does not exist`);
    }
    builder.currentSource = path;
    if (stat.isDirectory()) {
      sourceDirs.push(path);
      readDirectorySource(path, builder);
    } else {
      sourceDirs.push(dirname(path));
      readFileSource(path, builder);
    }
  }
  const varsFiles = new VarsFiles(options.varsCache);
  const inventory = builder.build(sourceDirs, varsFiles, undefined);
  builtStates.set(inventory, { builder, sourceDirs, varsFiles, byPlaybookDir: new Map(), root: inventory, implicit: new Set() });
  return inventory;
}

/**
 * The inventory as plays from `playbookDir` see it: `group_vars/` and `host_vars/` next to the
 * playbook layered in (connection variables too). The same object when nothing is there.
 */
export function withPlaybookDir(inventory: Inventory, playbookDir: string): Inventory {
  const state = builtStates.get(inventory);
  if (!state || inventory.playbookDir === playbookDir) return inventory;
  let layered = state.byPlaybookDir.get(playbookDir);
  if (!layered) {
    layered = state.builder.build(state.sourceDirs, state.varsFiles, playbookDir);
    for (const name of state.implicit) layered.hosts.set(name, state.builder.buildImplicit(name, state.sourceDirs, state.varsFiles, playbookDir));
    state.byPlaybookDir.set(playbookDir, layered);
    builtStates.set(layered, state);
  }
  return layered;
}

/**
 * Ansible's implicit localhost (`localhost`, `127.0.0.1`, `::1` when the inventory does not
 * define them): a host pattern naming one adds it, with a local connection, in no group (so
 * `all` does not select it), with the variables of group `all` and group_vars/all, as
 * Ansible's InventoryData._create_implicit_localhost and VariableManager give it.
 */
export function addImplicitLocalhost(inventory: Inventory, name: string): void {
  if (inventory.hosts.has(name) || !IMPLICIT_LOCALHOST.includes(name)) return;
  const state = builtStates.get(inventory);
  if (!state) {
    inventory.hosts.set(name, implicitLocalhost(name));
    return;
  }
  state.implicit.add(name);
  const layered = new Set([state.root, inventory, ...state.byPlaybookDir.values()]);
  for (const each of layered) if (!each.hosts.has(name)) each.hosts.set(name, state.builder.buildImplicit(name, state.sourceDirs, state.varsFiles, each.playbookDir));
}

export function parseInventoryText(text: string, file: string): Inventory {
  const builder = new InventoryBuilder(file);
  builder.currentSource = file;
  readInventoryText(text, file, builder);
  return builder.build([], new VarsFiles(), undefined);
}

export function parseInventory(data: unknown, file: string): Inventory {
  const builder = new InventoryBuilder(file);
  builder.currentSource = file;
  readYamlInventory(data, file, builder);
  return builder.build([], new VarsFiles(), undefined);
}

function isHostList(source: string): boolean {
  if (!source.includes(',')) return false;
  try {
    statSync(source);
    return false;
  } catch {
    return true;
  }
}

function expandHostListEntry(entry: string): { hosts: string[]; port?: number } {
  try {
    return expandHostPattern(entry);
  } catch (error) {
    if (error instanceof HostPatternError) throw new InputError(`inventory host list: ${error.message}`);
    throw error;
  }
}

function readDirectorySource(dir: string, builder: InventoryBuilder): void {
  for (const name of readdirSync(dir).sort()) {
    if (IGNORED_NAME.test(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) readDirectorySource(path, builder);
    else {
      builder.currentSource = path;
      readFileSource(path, builder);
    }
  }
}

function readFileSource(file: string, builder: InventoryBuilder): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read inventory ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  if (text.startsWith('#!') && isExecutable(file)) {
    throw new InputError(`${file} is an executable inventory script; runbook reads YAML and INI inventories only (run the script and save its output as YAML)`);
  }
  if (isVaultText(text)) {
    // An encrypted inventory file: Ansible reads it through the vault too.
    readYamlInventory(loadYamlFile(file), file, builder);
    return;
  }
  readInventoryText(text, file, builder);
}

/**
 * YAML when the text is a YAML mapping (the yaml plugin comes before ini in Ansible's order),
 * INI otherwise. For .yml/.yaml/.json files a YAML error is the error to show.
 */
function readInventoryText(text: string, file: string, builder: InventoryBuilder): void {
  const ext = extname(file).toLowerCase();
  const yamlFirst = ext === '' || YAML_EXTENSIONS.includes(ext);
  if (yamlFirst) {
    let data: unknown;
    let yamlError: unknown;
    try {
      data = parseYaml(text, file);
    } catch (error) {
      yamlError = error;
    }
    if (yamlError === undefined && (data === null || data === undefined || isMapping(data))) {
      if (isMapping(data) && data.plugin !== undefined) {
        throw new InputError(`inventory plugin '${String(data.plugin)}' is not supported; runbook reads YAML and INI inventories`, locationOf(data, 'plugin'));
      }
      readYamlInventory(data, file, builder);
      return;
    }
    if (ext !== '' && yamlError !== undefined) throw yamlError;
    if (ext !== '' && looksLikeYaml(text)) throw new InputError('inventory must be a mapping of groups (all: ...)', locationOf(data) ?? { file, line: 1, column: 1 });
  }
  readIniInventory(text, file, builder);
}

function looksLikeYaml(text: string): boolean {
  return /^\s*(-\s|---)/m.test(text.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '');
}


/**
 * Ansible's YAML inventory:
 *
 *   all:
 *     vars: {...}
 *     hosts: { web1: {ansible_host: 10.0.0.1}, web2: , 'web[03:09]': }
 *     children:
 *       web: { hosts: { web1: , web2: }, vars: {...}, children: {...} }
 *
 * Top-level keys other than `all` are groups too. A group may be listed under several parents
 * and a host in several groups; every listing is merged.
 */
function readYamlInventory(data: unknown, file: string, builder: InventoryBuilder): void {
  if (data === null || data === undefined) return;
  if (!isMapping(data)) throw new InputError('inventory must be a mapping of groups (all: ...)', locationOf(data) ?? { file, line: 1, column: 1 });
  for (const [name, value] of Object.entries(data)) readYamlGroup(builder, name, value, undefined, locationOf(data, name));
}

function readYamlGroup(builder: InventoryBuilder, name: string, value: unknown, parent: string | undefined, location: SourceLocation | undefined): void {
  builder.addGroup(name, location);
  if (parent !== undefined) builder.addChild(parent, name, location);
  if (value === null || value === undefined) return;
  if (!isMapping(value)) throw new InputError(`group '${name}' must be a mapping with hosts, vars or children`, location);
  for (const [key, section] of Object.entries(value)) {
    const keyLocation = locationOf(value, key) ?? location;
    if (!GROUP_KEYS.includes(key)) {
      throw new InputError(`unknown key '${key}' in group '${name}'${didYouMean(key, GROUP_KEYS)}; a group has only hosts, vars and children`, keyLocation);
    }
    if (section === null || section === undefined) continue;
    // Ansible accepts a lone name as a one-entry mapping (hosts: web1).
    const entries = typeof section === 'string' ? { [section]: null } : section;
    if (!isMapping(entries)) throw new InputError(`'${key}' of group '${name}' must be a mapping`, keyLocation);
    if (key === 'vars') {
      for (const [varName, varValue] of Object.entries(entries)) builder.setGroupVar(name, varName, varValue, locationOf(entries, varName) ?? keyLocation);
    } else if (key === 'hosts') {
      for (const [pattern, hostVars] of Object.entries(entries)) {
        const at = locationOf(entries, pattern) ?? keyLocation;
        if (hostVars !== null && hostVars !== undefined && !isMapping(hostVars)) throw new InputError(`host '${pattern}' must have a mapping of variables (or nothing)`, at);
        let expanded;
        try {
          expanded = expandHostPattern(pattern);
        } catch (error) {
          if (error instanceof HostPatternError) throw new InputError(error.message, at);
          throw error;
        }
        const vars = (hostVars ?? {}) as Record<string, unknown>;
        const varLocations = new Map<string, SourceLocation>();
        for (const varName of Object.keys(vars)) varLocations.set(varName, (locationOf(vars, varName) ?? at) as SourceLocation);
        for (const host of expanded.hosts) builder.addHost(name, host, vars, at, expanded.port, varLocations);
      }
    } else {
      for (const [child, childValue] of Object.entries(entries)) readYamlGroup(builder, child, childValue, name, locationOf(entries, child) ?? keyLocation);
    }
  }
}

class InventoryBuilder implements InventorySink {
  private readonly groups = new Map<string, GroupNode>();
  private readonly hosts = new Map<string, HostNode>();
  currentSource: string;

  constructor(private readonly file: string) {
    this.currentSource = file;
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  addGroup(name: string, _location?: SourceLocation): void {
    if (!this.groups.has(name)) this.groups.set(name, { name, parents: [], children: [], hosts: new Set(), vars: {}, varLocations: new Map(), priority: 1, depth: 0 });
  }

  addChild(parent: string, child: string, location?: SourceLocation): void {
    this.addGroup(parent);
    this.addGroup(child);
    const parentNode = this.groups.get(parent)!;
    const childNode = this.groups.get(child)!;
    if (parent === child || this.ancestorsOf(parent).has(child)) {
      throw new InputError(`group '${child}' is its own ancestor (adding it under '${parent}' makes a loop)`, location);
    }
    if (!parentNode.children.includes(child)) parentNode.children.push(child);
    if (!childNode.parents.includes(parent)) childNode.parents.push(parent);
  }

  private ancestorsOf(name: string): Set<string> {
    const seen = new Set<string>();
    const walk = (group: string) => {
      for (const parent of this.groups.get(group)?.parents ?? []) {
        if (!seen.has(parent)) {
          seen.add(parent);
          walk(parent);
        }
      }
    };
    walk(name);
    return seen;
  }

  addHost(groupName: string, name: string, vars: Record<string, unknown>, location?: SourceLocation, port?: number, varLocations?: Map<string, SourceLocation>): void {
    if (name === '') throw new InputError('a host name is empty', location);
    this.addGroup(groupName);
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, vars: {}, varLocations: new Map(), directGroups: new Set(), location };
      this.hosts.set(name, host);
      // As Ansible: the first source a host is seen in, and a port only when it is first seen.
      host.vars.inventory_file = this.currentSource;
      host.vars.inventory_dir = dirname(this.currentSource);
      if (port !== undefined) this.setHostVar(host, 'ansible_port', port, location);
    }
    const group = this.groups.get(groupName)!;
    group.hosts.add(name);
    host.directGroups.add(groupName);
    for (const [key, value] of Object.entries(vars)) this.setHostVar(host, key, value, varLocations?.get(key) ?? location);
  }

  private setHostVar(host: HostNode, key: string, value: unknown, location: SourceLocation | undefined): void {
    host.vars[key] = value;
    if (location) host.varLocations.set(key, location);
  }

  setGroupVar(groupName: string, key: string, value: unknown, location?: SourceLocation): void {
    this.addGroup(groupName);
    const group = this.groups.get(groupName)!;
    if (key === 'ansible_group_priority') {
      const priority = Number(value);
      if (!Number.isInteger(priority)) throw new InputError(`ansible_group_priority must be an integer, got ${JSON.stringify(value)}`, location);
      group.priority = priority;
      return;
    }
    group.vars[key] = value;
    if (location) group.varLocations.set(key, location);
  }

  /** reconcile_inventory: parentless groups under all, hosts in no group in ungrouped (and only there). */
  private reconcile(): void {
    for (const group of this.groups.values()) {
      if (group.name !== 'all' && group.parents.length === 0) this.addChild('all', group.name);
    }
    const ungrouped = this.groups.get('ungrouped')!;
    for (const host of this.hosts.values()) {
      const others = [...host.directGroups].filter((g) => g !== 'all' && g !== 'ungrouped');
      if (others.length > 0) {
        if (host.directGroups.delete('ungrouped')) ungrouped.hosts.delete(host.name);
      } else {
        ungrouped.hosts.add(host.name);
        host.directGroups.add('ungrouped');
      }
    }
    for (const group of this.groups.values()) group.depth = 0;
    this.computeDepths('all', 0);
  }

  private computeDepths(name: string, depth: number): void {
    const group = this.groups.get(name)!;
    // A group listed under several parents sits at its deepest position.
    if (depth < group.depth) return;
    group.depth = depth;
    for (const child of group.children) this.computeDepths(child, depth + 1);
  }

  build(sourceDirs: string[], varsFiles: VarsFiles, playbookDir: string | undefined): Inventory {
    this.reconcile();
    const groups = new Map<string, string[]>();
    const members = new Map<string, Set<string>>();
    for (const name of this.groups.keys()) {
      const hosts = this.hostsOf(name);
      groups.set(name, hosts);
      members.set(name, new Set(hosts));
    }
    const hosts = new Map<string, InventoryHost>();
    // Host order is the order of 'all', as Ansible lists it.
    for (const name of groups.get('all')!) hosts.set(name, this.buildHost(this.hosts.get(name)!, members, sourceDirs, varsFiles, playbookDir));
    const groupTree = new Map<string, { children: string[]; hosts: string[]; vars: Record<string, unknown>; priority: number }>();
    for (const group of this.groups.values()) groupTree.set(group.name, { children: [...group.children], hosts: [...group.hosts], vars: { ...group.vars }, priority: group.priority });
    const inventory: Inventory = { file: this.file, hosts, groups, groupTree, sourceDirs: [...sourceDirs] };
    if (playbookDir !== undefined) inventory.playbookDir = playbookDir;
    return inventory;
  }

  /** Group.get_hosts: the group's own hosts, then its descendants' level by level, each host once. */
  private hostsOf(name: string): string[] {
    const ordered: string[] = [name];
    const seen = new Set(ordered);
    let level = [name];
    while (level.length > 0) {
      const next: string[] = [];
      for (const group of level) {
        for (const child of this.groups.get(group)!.children) {
          if (!seen.has(child)) {
            seen.add(child);
            ordered.push(child);
            next.push(child);
          }
        }
      }
      level = next;
    }
    const hosts: string[] = [];
    const seenHosts = new Set<string>();
    for (const group of ordered) {
      for (const host of this.groups.get(group)!.hosts) {
        if (!seenHosts.has(host)) {
          seenHosts.add(host);
          hosts.push(host);
        }
      }
    }
    return hosts;
  }

  /** The implicit localhost: group all's variables and group_vars/all, its host_vars, a local connection. */
  buildImplicit(name: string, sourceDirs: string[], varsFiles: VarsFiles, playbookDir: string | undefined): InventoryHost {
    const vars: Record<string, unknown> = { ...this.groups.get('all')!.vars };
    for (const dir of sourceDirs) Object.assign(vars, varsFiles.groupVars(dir, 'all'));
    if (playbookDir !== undefined) Object.assign(vars, varsFiles.groupVars(playbookDir, 'all'));
    vars.ansible_connection = 'local';
    for (const dir of sourceDirs) Object.assign(vars, varsFiles.hostVars(dir, name));
    if (playbookDir !== undefined) Object.assign(vars, varsFiles.hostVars(playbookDir, name));
    const host = implicitLocalhost(name);
    return { ...host, vars, connection: vars.ansible_connection === 'local' ? host.connection : connectionOf(name, vars, () => undefined, this.file) };
  }

  private buildHost(host: HostNode, members: Map<string, Set<string>>, sourceDirs: string[], varsFiles: VarsFiles, playbookDir: string | undefined): InventoryHost {
    const groups = [...this.groups.values()].filter((g) => members.get(g.name)!.has(host.name)).sort(compareGroups);
    const others = groups.filter((g) => g.name !== 'all').map((g) => g.name);
    const vars: Record<string, unknown> = {};
    const varLocations = new Map<string, SourceLocation>();
    const layer = (source: Record<string, unknown>, locations?: Map<string, SourceLocation>) => {
      for (const [key, value] of Object.entries(source)) {
        vars[key] = value;
        const location = locations?.get(key) ?? locationOf(source, key);
        if (location) varLocations.set(key, location);
        else varLocations.delete(key);
      }
    };
    for (const group of groups) layer(group.vars, group.varLocations);
    for (const dir of sourceDirs) layer(varsFiles.groupVars(dir, 'all'));
    if (playbookDir !== undefined) layer(varsFiles.groupVars(playbookDir, 'all'));
    for (const dir of sourceDirs) for (const group of others) layer(varsFiles.groupVars(dir, group));
    if (playbookDir !== undefined) for (const group of others) layer(varsFiles.groupVars(playbookDir, group));
    layer(host.vars, host.varLocations);
    for (const dir of sourceDirs) layer(varsFiles.hostVars(dir, host.name));
    if (playbookDir !== undefined) layer(varsFiles.hostVars(playbookDir, host.name));
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
  return a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function connectionOf(name: string, vars: Record<string, unknown>, where: (key: string) => SourceLocation | undefined, inventoryFile: string): ConnectionSpec {
  const connection: ConnectionSpec = {
    address: vars.ansible_host === undefined || vars.ansible_host === null ? name : String(vars.ansible_host),
    port: portOf(vars.ansible_port, where('ansible_port')),
    user: vars.ansible_user === undefined || vars.ansible_user === null ? 'root' : String(vars.ansible_user),
    become: vars.ansible_become === undefined ? false : booleanOf(vars.ansible_become, 'ansible_become', where('ansible_become')),
  };
  const keyFile = vars.ansible_ssh_private_key_file ?? vars.ansible_private_key_file;
  if (keyFile !== undefined && keyFile !== null) {
    const path = String(keyFile);
    // The inventory's folder (a stat) only for a relative path: this runs for every host.
    connection.privateKeyFile = path === '~' || path.startsWith('~/') || isAbsolute(path) ? resolveUserPath(path, '/') : resolveUserPath(path, inventoryBaseDir(inventoryFile));
  }
  if (vars.ansible_become_user !== undefined && vars.ansible_become_user !== null) connection.becomeUser = String(vars.ansible_become_user);
  if (vars.ansible_connection === 'local') connection.local = true;
  return connection;
}

/** Relative key files are relative to the inventory: its folder, or the inventory directory itself. */
function inventoryBaseDir(inventoryFile: string): string {
  const path = resolve(inventoryFile);
  try {
    if (statSync(path).isDirectory()) return path;
  } catch {
    // a host list or a file that is gone: its folder
  }
  return dirname(path);
}

function portOf(value: unknown, location: SourceLocation | undefined): number {
  if (value === undefined || value === null) return 22;
  return portNumber(value, 'ansible_port', location);
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

