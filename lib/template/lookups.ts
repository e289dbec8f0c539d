/**
 * Ansible's lookup plugins that run on the controller: `lookup(name, ...)`,
 * `query(name, ...)` / `q(...)`. Files are searched as Ansible searches them
 * without roles: `<playbook_dir>/<files|templates>/<term>`, then `<playbook_dir>/<term>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { splitKeywords, toList } from './arguments.js';
import { isPlainObject, pyStr } from './python.js';
import { childProcess } from '../util/child-process.js';

/** What a lookup needs from the render: variables, and rendering a template file with extra variables. */
export interface LookupScope {
  variable(name: string): unknown;
  renderFile(text: string, file: string, extraVars: Record<string, unknown>): string;
}

type Plugin = (terms: unknown[], options: Record<string, unknown>, scope: LookupScope) => unknown[];

function searchPath(scope: LookupScope, subdir: string, term: string): string | undefined {
  if (isAbsolute(term)) return existsSync(term) ? term : undefined;
  const base = scope.variable('playbook_dir');
  const roots = typeof base === 'string' ? [join(base, subdir, term), join(base, term)] : [term];
  return roots.find((candidate) => existsSync(candidate));
}

function flattenOnce(terms: unknown[]): unknown[] {
  return terms.flatMap((term) => (Array.isArray(term) ? term : [term]));
}

/**
 * While the run's inputs are checked before any host is touched (engine/preflight.ts), a `pipe`
 * lookup does not run its command: it runs when its task runs, once, as in Ansible (a command
 * with effects must not run twice, nor before the play). The check skips what needed one.
 */
let commandsHeld = 0;
let commandsRefused = 0;

/** Runs `check` with `pipe` lookups refused; true when one was (the check could not be made). */
export function withoutControllerCommands(check: () => void): boolean {
  const before = commandsRefused;
  commandsHeld++;
  try {
    check();
  } catch (error) {
    if (commandsRefused === before) throw error;
  } finally {
    commandsHeld--;
  }
  return commandsRefused !== before;
}

const PLUGINS: Record<string, Plugin> = {
  env: (terms, options) => terms.map((term) => process.env[pyStr(term)] ?? (options.default === undefined ? '' : options.default)),
  file: (terms, options, scope) =>
    terms.map((term) => {
      const found = searchPath(scope, 'files', pyStr(term));
      if (!found) throw new Error(`could not locate file in lookup: ${pyStr(term)}`);
      let content = readFileSync(found, 'utf8');
      if (options.lstrip === true) content = content.trimStart();
      if (options.rstrip !== false) content = content.trimEnd();
      return content;
    }),
  template: (terms, options, scope) =>
    terms.map((term) => {
      const found = searchPath(scope, 'templates', pyStr(term));
      if (!found) throw new Error(`the template file ${pyStr(term)} could not be found for the lookup`);
      const extra = isPlainObject(options.template_vars) ? options.template_vars : {};
      return scope.renderFile(readFileSync(found, 'utf8'), found, extra);
    }),
  pipe: (terms) =>
    terms.map((term) => {
      if (commandsHeld > 0) {
        commandsRefused++;
        throw new Error('a pipe lookup runs when its task runs, not in the check before the run');
      }
      try {
        return childProcess().execFileSync('/bin/sh', ['-c', pyStr(term)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();
      } catch (error) {
        throw new Error(`lookup_plugin.pipe(${pyStr(term)}) returned ${(error as { status?: number }).status}`, { cause: error });
      }
    }),
  vars: (terms, options, scope) =>
    terms.map((term) => {
      const value = scope.variable(pyStr(term));
      if (value !== undefined) return value;
      if (options.default !== undefined) return options.default;
      throw new Error(`No variable found with this name: ${pyStr(term)}`);
    }),
  items: (terms) => flattenOnce(terms),
  indexed_items: (terms) => flattenOnce(terms).map((item, i) => [i, item]),
  dict: (terms) =>
    terms.flatMap((term) => {
      if (!isPlainObject(term)) throw new Error("with_dict expects a dict");
      return Object.entries(term).map(([key, value]) => ({ key, value }));
    }),
  nested: (terms) => {
    let out: unknown[][] = [[]];
    for (const list of terms) out = out.flatMap((prefix) => toList(list).map((item) => [...prefix, item]));
    return out;
  },
  sequence: (terms) =>
    terms.flatMap((term) => {
      const spec: Record<string, string> = {};
      for (const pair of pyStr(term).trim().split(/\s+/)) {
        const [key, value] = pair.split('=');
        spec[key] = value;
      }
      const start = Number.parseInt(spec.start ?? '1', 0 || 10);
      const end = spec.count !== undefined ? start + Number(spec.count) - 1 : Number.parseInt(spec.end, 10);
      const stride = Number(spec.stride ?? 1);
      const format = spec.format ?? '%d';
      const out: string[] = [];
      for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) out.push(format.replace(/%0?(\d*)d/, (m, width: string) => String(i).padStart(Number(width || 0), m.startsWith('%0') ? '0' : ' ')));
      return out;
    }),
  first_found: (terms, options, scope) => {
    const files = flattenOnce(terms).flatMap((term) => (isPlainObject(term) ? toList(term.files) : [term])).map(pyStr);
    for (const file of files) {
      const found = searchPath(scope, 'files', file);
      if (found) return [found];
    }
    if (options.skip === true || options.errors === 'ignore') return [];
    throw new Error('No file was found when using first_found.');
  },
};

/** The lookup plugins runbook has (for with_<lookup> loops). */
export function lookupNames(): string[] {
  return Object.keys(PLUGINS);
}

/** Ansible's Templar._lookup: the plugin's list, or (for lookup()) its items joined by commas. */
export function runLookup(scope: LookupScope, wantList: boolean, name: unknown, args: unknown[]): unknown {
  const plugin = PLUGINS[String(name).replace(/^ansible\.builtin\./, '')];
  if (!plugin) throw new Error(`lookup plugin (${pyStr(name)}) not found (runbook has: ${Object.keys(PLUGINS).join(', ')})`);
  const [terms, keywords] = splitKeywords(args);
  const { wantlist, errors = 'strict', ...options } = keywords;
  let results: unknown[];
  try {
    results = plugin(terms, options, scope);
  } catch (error) {
    if (errors === 'ignore' || errors === 'warn') return wantList || wantlist ? [] : '';
    throw error;
  }
  if (wantList || wantlist) return results;
  if (results.every((item) => typeof item === 'string')) return results.join(',');
  return results.length === 1 ? results[0] : results;
}
