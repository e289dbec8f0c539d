/**
 * Functions the generated template code calls as `env.rb.*`. They are the
 * hot path of every render, so they stay small and allocation-free.
 */
import { isPlainObject, pyEquals, pyStr, pythonMethod, truthy } from './python.js';

/**
 * Raised inside a render; the public API turns it into an InputError that
 * names the template's origin. `lineno` makes nunjucks pass it through as-is.
 */
export class UndefinedVariableError extends Error {
  constructor(
    readonly variable: string,
    readonly lineno: number,
    readonly detail = '',
  ) {
    super(`undefined variable '${variable}'${detail}`);
    this.name = 'UndefinedVariableError';
  }
}

/** The render context, which renders template strings found inside variables. */
export interface NestedResolver {
  resolveNested(value: unknown): unknown;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** `obj[key]` the way Jinja2 resolves `obj.key`/`obj[key]`, without reaching JS prototypes. */
function lookupMember(obj: unknown, key: unknown): unknown {
  if (obj instanceof Map) return obj.get(key);
  if (typeof key === 'number' && (Array.isArray(obj) || typeof obj === 'string')) {
    const index = key < 0 ? obj.length + key : key; // Python negative indexing
    return index >= 0 && index < obj.length ? obj[index] : undefined;
  }
  if (obj === null || (typeof obj !== 'object' && typeof obj !== 'string')) return undefined;
  const name = String(key);
  if (hasOwn.call(obj, name)) return (obj as Record<string, unknown>)[name];
  return pythonMethod(obj, name);
}

export const runtimeHelpers = {
  /** Strict top-level variable read. */
  defined(value: unknown, name: string, lineno: number): unknown {
    if (value === undefined) throw new UndefinedVariableError(name, lineno);
    return value;
  },

  /** `target.key`; `optional` when under `default()`/`is defined`, where undefined propagates. */
  member(context: NestedResolver, target: unknown, key: unknown, optional: boolean, path: string, lineno: number): unknown {
    const value = target === undefined || target === null ? undefined : context.resolveNested(lookupMember(target, key));
    if (value === undefined && !optional) {
      const owner = path.slice(0, Math.max(path.lastIndexOf('.'), path.lastIndexOf('['), 0));
      const detail =
        target === null ? ` ('${owner}' is None)` : target === undefined ? '' : ` ('${owner}' has no attribute ${JSON.stringify(String(key))})`;
      throw new UndefinedVariableError(path, lineno, detail);
    }
    return value;
  },

  str: pyStr,
  eq: pyEquals,
  truthy,

  or(left: unknown, right: () => unknown): unknown {
    return truthy(left) ? left : right();
  },

  and(left: unknown, right: () => unknown): unknown {
    return truthy(left) ? right() : left;
  },

  /** Python `+`: lists concatenate. */
  add(left: unknown, right: unknown): unknown {
    if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
    return (left as number) + (right as number);
  },

  /** `for x in mapping` iterates keys in Python; nunjucks would iterate nothing. */
  iterable(value: unknown): unknown {
    if (isPlainObject(value)) return Object.keys(value);
    if (value instanceof Map) return [...value.keys()];
    if (typeof value === 'string') return [...value];
    return value;
  },
};

export type RuntimeHelpers = typeof runtimeHelpers;
