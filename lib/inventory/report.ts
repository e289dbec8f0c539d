import { InputError } from '../errors.js';
import { isSecret, REDACTED } from '../vault/redact.js';
import { vaultTextOf } from '../vault/secrets.js';
import type { Inventory } from './types.js';
import { VarsFiles } from './vars-files.js';

/**
 * `runbook inventory`: ansible-inventory's --list, --host and --graph output (cli/inventory.py),
 * after group_vars/ and host_vars/. Values from a vault never show: an inline `!vault` value shows
 * as ansible-inventory shows it (`{"__ansible_vault": "<ciphertext>"}`), a value from an encrypted
 * file as '********' (ansible-inventory prints those in clear).
 */

/** Variables ansible-inventory leaves out of its output. */
const INTERNAL_VARS = new Set([
  'ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources', 'ansible_limit',
  'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity', 'ansible_version', 'inventory_dir',
  'inventory_file', 'inventory_hostname', 'inventory_hostname_short', 'groups', 'group_names', 'omit', 'playbook_dir',
]);

function tree(inventory: Inventory) {
  if (!inventory.groupTree) throw new InputError('this inventory has no group tree');
  return inventory.groupTree;
}

/** --host NAME: the host's variables after precedence. */
export function hostVariables(inventory: Inventory, name: string): Record<string, unknown> {
  const host = inventory.hosts.get(name);
  if (!host) throw new InputError(`--host: '${name}' is not a host of the inventory`);
  const vars: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(host.vars)) if (!INTERNAL_VARS.has(key)) vars[key] = shown(value);
  return vars;
}

/** --list: every group with its hosts and children, and every host's variables under _meta. */
export function listInventory(inventory: Inventory): Record<string, unknown> {
  const groups = tree(inventory);
  const result: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (name: string) => {
    const group = groups.get(name)!;
    const entry: Record<string, unknown> = {};
    if (name !== 'all' && group.hosts.length > 0) entry.hosts = [...group.hosts];
    if (group.children.length > 0) entry.children = [...group.children];
    if (Object.keys(entry).length > 0) result[name] = entry;
    for (const child of group.children) {
      if (!seen.has(child)) {
        seen.add(child);
        format(child);
      }
    }
  };
  format('all');
  const hostvars: Record<string, unknown> = {};
  for (const name of inventory.hosts.keys()) {
    const vars = hostVariables(inventory, name);
    if (Object.keys(vars).length > 0) hostvars[name] = vars;
  }
  result._meta = { hostvars };
  return result;
}

/** --graph [GROUP] [--vars]: the group tree as ansible-inventory draws it. */
export function graphInventory(inventory: Inventory, start = 'all', showVars = false): string {
  const groups = tree(inventory);
  if (!groups.has(start)) throw new InputError(`--graph: '${start}' is not a group of the inventory`);
  const varsFiles = new VarsFiles();
  const lines: string[] = [];
  const line = (text: string, depth: number) => lines.push(depth ? `${'  |'.repeat(depth)}--${text}` : text);
  const showAll = (vars: Record<string, unknown>, depth: number) => {
    for (const key of Object.keys(vars).sort()) line(`{${key} = ${pythonText(shown(vars[key]))}}`, depth);
  };
  const walk = (name: string, depth: number) => {
    const group = groups.get(name)!;
    line(`@${name}:`, depth);
    for (const child of group.children) walk(child, depth + 1);
    if (name !== 'all') {
      for (const host of group.hosts) {
        line(host, depth + 1);
        if (showVars) showAll(hostVariables(inventory, host), depth + 2);
      }
    }
    if (showVars) {
      const vars: Record<string, unknown> = { ...group.vars };
      for (const dir of [...(inventory.sourceDirs ?? []), ...(inventory.playbookDir ? [inventory.playbookDir] : [])]) Object.assign(vars, varsFiles.groupVars(dir, name));
      if (group.priority !== 1) vars.ansible_group_priority = group.priority;
      showAll(vars, depth + 1);
    }
  };
  walk(start, 0);
  return lines.join('\n');
}

/** JSON as ansible-inventory prints it: keys sorted at every level, four-space indent. */
export function inventoryJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** A value as output may show it: vault values hidden (inline ones as their ciphertext). */
function shown(value: unknown): unknown {
  if (isSecret(value)) {
    const vaultText = typeof value === 'string' ? vaultTextOf(value) : undefined;
    if (vaultText) return { __ansible_vault: vaultText };
    if (typeof value === 'string') return REDACTED;
  }
  if (typeof value === 'object' && value !== null && 'toJSON' in value && typeof value.toJSON === 'function') return value.toJSON();
  if (Array.isArray(value)) return value.map(shown);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shown(v)]));
  return value;
}

/** Python's str() of a value, as --graph --vars prints values (True, None, ['a'], {'k': 1}). */
function pythonText(value: unknown, nested = false): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) || !Number.isFinite(value) ? String(value) : String(value);
  if (typeof value === 'string') return nested ? pythonQuote(value) : value;
  if (Array.isArray(value)) return `[${value.map((v) => pythonText(v, true)).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${pythonQuote(k)}: ${pythonText(v, true)}`).join(', ')}}`;
  return String(value);
}

function pythonQuote(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
  return `${quote}${quote === "'" ? escaped.replace(/'/g, "\\'") : escaped}${quote}`;
}
