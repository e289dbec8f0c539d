/** Python-style parameter binding for filters and tests: positional then `name=value`. */
import { isKeywordArgs } from './python.js';

export type Filter = (value: any, ...args: any[]) => unknown;
export type Test = (value: any, ...args: any[]) => boolean;

/**
 * Bind `args` (positional, with a trailing nunjucks keyword object) to `names`,
 * returning an object keyed by parameter name. `fallback` supplies defaults.
 */
export function bindArguments<T extends Record<string, unknown>>(args: unknown[], names: (keyof T & string)[], fallback: T): T {
  const bound: Record<string, unknown> = { ...fallback };
  let positional = args;
  const last = args[args.length - 1];
  if (isKeywordArgs(last)) {
    positional = args.slice(0, -1);
    for (const [key, value] of Object.entries(last)) {
      if (key === '__keywords') continue;
      if (!names.includes(key)) throw new Error(`unexpected keyword argument '${key}'`);
      bound[key] = value;
    }
  }
  positional.forEach((value, i) => {
    if (i < names.length && value !== undefined) bound[names[i]] = value;
  });
  return bound as T;
}

/** Positional arguments without the keyword object, and the keyword object (maybe empty). */
export function splitKeywords(args: unknown[]): [unknown[], Record<string, unknown>] {
  const last = args[args.length - 1];
  if (!isKeywordArgs(last)) return [args, {}];
  const { __keywords: _, ...keywords } = last;
  return [args.slice(0, -1), keywords];
}

/** `a.b.c` of a value, for `attribute=` parameters; undefined when missing. */
export function attributePath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || current === undefined) return undefined;
    if (typeof current !== 'object') return undefined;
    current = Array.isArray(current) && /^\d+$/.test(part) ? current[Number(part)] : (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Values a filter receives as an iterable: lists as-is, strings by character, dicts by key. */
export function toList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [...value];
  if (value instanceof Map) return [...value.keys()];
  if (value instanceof Set) return [...value];
  if (typeof value === 'object') {
    if (typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(value as Iterable<unknown>)];
    return Object.keys(value);
  }
  throw new Error(`'${typeof value}' object is not iterable`);
}
