import type { ArgSpec, ArgType, ModuleDefinition } from '../modules/types.js';
import { argRuleError } from '../modules/arg-rules.js';
import { InputError } from '../errors.js';
import { absolutePathError, convertType, normaliseMode } from '../playbook/args.js';
import { isRelativeMode, resolveMode, symbolicModeError } from '../util/modes.js';
import { renderValue, type TemplateOrigin } from '../template/index.js';
import { hasSecrets, readsSecret } from '../vault/redact.js';

/** Thrown when a rendered argument has the wrong type; the task fails with this message. */
export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

/**
 * Octal mode as four digits, read as the digits the user wrote (0644 and 644 are both 0644;
 * see lib/playbook/args.ts). A symbolic mode that does not depend on the path ('u=rw,g=r,o=')
 * becomes octal too; one that does ('u+x', 'u=rw,g=r', 'a+X') stays symbolic, resolved by the
 * module against the path's mode (lib/util/modes.ts, as Ansible resolves it).
 */
export function normalizeMode(value: unknown): string {
  const octal = typeof value === 'string' && /[=+-]/.test(value) ? undefined : normaliseMode(value);
  if (octal !== undefined) return octal;
  if (typeof value !== 'string') throw new ArgumentError(`invalid mode ${JSON.stringify(value)}: use octal such as '0644'`);
  const text = value.trim();
  const error = symbolicModeError(text);
  if (error) throw new ArgumentError(error);
  return isRelativeMode(text) ? text : resolveMode(text, '0000', false);
}

/** A rendered argument in its declared type: the loader's conversion, failing the task instead of the load. */
export function coerce(name: string, value: unknown, type: ArgType, elements?: ArgType): unknown {
  // At run time an absolute symbolic mode becomes octal, so it compares with the host's; a relative one is the module's to resolve.
  if (type === 'mode') return normalizeMode(value);
  try {
    return convertType(value, type, elements, `argument '${name}'`, undefined, undefined, false);
  } catch (error) {
    if (error instanceof InputError) throw new ArgumentError(error.message);
    throw error;
  }
}

/** Apply defaults, check required and choices, and coerce every argument to its declared type. */
export function coerceArgs(specs: Record<string, ArgSpec>, args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of specEntries(specs)) {
    let value = args[name];
    if (value === undefined || value === null) value = spec.default;
    if (value === undefined || value === null) {
      if (spec.required) throw new ArgumentError(`missing required argument '${name}'`);
      continue;
    }
    value = coerce(name, value, spec.type, spec.elements);
    const notAbsolute = absolutePathError(value, spec);
    if (notAbsolute) throw new ArgumentError(`argument '${name}' ${notAbsolute}`);
    if (spec.choices && !spec.choices.includes(String(value))) {
      throw new ArgumentError(`argument '${name}' must be one of ${spec.choices.join(', ')}, got ${JSON.stringify(value)}`);
    }
    out[name] = value;
  }
  for (const name of Object.keys(args)) if (name.startsWith('_')) out[name] = args[name];
  // Free-form text must still be text after templating ('{{ [1, 2] }}' is not a command line).
  if (out._raw_params !== undefined && out._raw_params !== null && typeof out._raw_params !== 'string') {
    const value = out._raw_params;
    if (typeof value === 'number' || typeof value === 'boolean') out._raw_params = String(value);
    else throw new ArgumentError(`argument 'cmd' (the free-form command) must be a string, got ${Array.isArray(value) ? 'a list' : typeof value}: ${JSON.stringify(value)}`);
  }
  return out;
}

/**
 * A module's argument specs as entries, listed once per module rather than once per task and
 * host: the specs are its definition's constants, and the list a measurable share of a no-op's
 * allocation.
 */
const specLists = new WeakMap<Record<string, ArgSpec>, Array<[string, ArgSpec]>>();
function specEntries(specs: Record<string, ArgSpec>): Array<[string, ArgSpec]> {
  let entries = specLists.get(specs);
  if (!entries) specLists.set(specs, (entries = Object.entries(specs)));
  return entries;
}

/** A task's rendered arguments, as its module takes them: declared types, defaults, the rules between them. */
export function moduleArgs(module: ModuleDefinition, rendered: Record<string, unknown>): Record<string, unknown> {
  const args = coerceArgs(module.args, rendered);
  if (module.anyArgs) for (const [name, value] of Object.entries(rendered)) if (!(name in module.args)) args[name] = value;
  const ruleError = argRuleError(module, args);
  if (ruleError) throw new ArgumentError(`${module.name}: ${ruleError}`);
  return args;
}

/**
 * A task's arguments rendered with these variables and coerced for its module. Every host
 * renders every task up to three times (preflight, prefetch, run), and most arguments come out
 * the same for every host: those are remembered per task (`memo`) when they can only come out
 * the same. That is, when every template in them is a bare `{{ name }}` (no filter, test,
 * lookup or expression: nothing else can differ between two renderings) and each name holds
 * text without a template, a number or a bool, with the same values as before; and no value of
 * the run came from a vault (its reads must be noticed: see vault/redact.ts). A memo is keyed
 * by those values: a task whose arguments differ per host stops being remembered.
 */
export function renderTaskArgs(module: ModuleDefinition, written: Record<string, unknown>, vars: Record<string, unknown>, origin: TemplateOrigin): { args: Record<string, unknown>; secret: boolean } {
  const memo = memoOf(module, written);
  const key = memo && memoKey(memo, vars);
  if (key !== undefined) {
    const known = memo!.results.get(key);
    if (known) return { args: copied(known), secret: false };
  }
  const rendered = readsSecret(() => renderValue(written, vars, origin) as Record<string, unknown>);
  const args = moduleArgs(module, rendered.value);
  if (key !== undefined && !rendered.secret) remember(memo!, key, copied(args));
  return { args, secret: rendered.secret };
}

/** The remembered arguments for these variables, if any (prefetch asks; it renders in its own way otherwise). */
export function rememberedTaskArgs(module: ModuleDefinition, written: Record<string, unknown>, vars: Record<string, unknown>): Record<string, unknown> | undefined {
  const memo = memoOf(module, written);
  const key = memo && memoKey(memo, vars);
  const known = key === undefined ? undefined : memo!.results.get(key);
  return known && copied(known);
}

interface ArgsMemo {
  module: string;
  /** The names the templates read, in order; undefined: these arguments are never remembered. */
  names?: string[];
  results: Map<string, Record<string, unknown>>;
}

/** Distinct variable values remembered per task before it counts as differing per host. */
const MEMO_ENTRIES = 16;
const memos = new WeakMap<Record<string, unknown>, ArgsMemo>();
const BARE_NAME = /\{\{ *([A-Za-z_][A-Za-z0-9_]*) *\}\}/g;

function memoOf(module: ModuleDefinition, written: Record<string, unknown>): ArgsMemo | undefined {
  if (hasSecrets()) return undefined;
  let memo = memos.get(written);
  if (!memo) {
    const names = new Set<string>();
    memo = { module: module.name, names: onlyBareNames(written, names) ? [...names] : undefined, results: new Map() };
    memos.set(written, memo);
  }
  return memo.names && memo.module === module.name ? memo : undefined;
}

/** Whether every template inside `value` is a bare `{{ name }}` (collected into `names`), and nothing but plain data holds them. */
function onlyBareNames(value: unknown, names: Set<string>): boolean {
  if (typeof value === 'string') {
    if (!value.includes('{')) return true;
    const rest = value.replace(BARE_NAME, (_, name: string) => {
      names.add(name);
      return '';
    });
    return !rest.includes('{') && !rest.includes('}') && ![...names].some((name) => name in Object.prototype);
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return true;
  if (Array.isArray(value)) return value.every((item) => onlyBareNames(item, names));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).every(([key, item]) => !key.includes('{') && onlyBareNames(item, names));
  }
  return false;
}

/** The values the templates read, as one key; undefined when one is not plain text, a number or a bool. */
function memoKey(memo: ArgsMemo, vars: Record<string, unknown>): string | undefined {
  let key = '';
  for (const name of memo.names!) {
    const value = vars[name];
    if (typeof value === 'string') {
      if (value.includes('{')) return undefined;
      key += `s${value.length}:${value}\0`;
    } else if (typeof value === 'number') key += `n${value}\0`;
    else if (typeof value === 'boolean') key += `b${value}\0`;
    else return undefined;
  }
  return key;
}

function remember(memo: ArgsMemo, key: string, args: Record<string, unknown>): void {
  if (memo.results.size >= MEMO_ENTRIES) {
    // Different for (nearly) every host: not worth remembering.
    memo.names = undefined;
    memo.results.clear();
    return;
  }
  memo.results.set(key, args);
}

/** A copy of the arguments' lists and mappings: a module may change what it was given. */
function copied<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copied) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    // Keys, not entries: no pair per key (this copy is made for every task of every host).
    for (const key of Object.keys(value)) out[key] = copied((value as Record<string, unknown>)[key]);
    return out as T;
  }
  return value;
}
