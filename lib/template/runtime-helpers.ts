/**
 * Functions the generated template code calls as `env.rb.*`. They are the
 * hot path of every render, so they stay small and allocation-free.
 */
import { isPlainObject, PyTuple, pyEquals, pyPercentFormat, pyStr, pyStrNone, pythonMethod, truthy } from './python.js';

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
  if (obj instanceof String) obj = obj.toString(); // an !unsafe string
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

  /** A lookup where undefined is allowed (`x | default()`): a variable whose own template is undefined is undefined too. */
  optional(read: () => unknown): unknown {
    try {
      return read();
    } catch (error) {
      if (error instanceof UndefinedVariableError) return undefined;
      throw error;
    }
  },

  /** `target.key`; `optional` when under `default()`/`is defined`, where undefined propagates. */
  member(context: NestedResolver, target: unknown, key: unknown, optional: boolean, path: string, lineno: number): unknown {
    let value: unknown;
    try {
      value = target === undefined || target === null ? undefined : context.resolveNested(lookupMember(target, key));
    } catch (error) {
      if (!(optional && error instanceof UndefinedVariableError)) throw error;
    }
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

  tuple(items: unknown[]): PyTuple {
    return PyTuple.from(items);
  },

  /** `{% set ns.attr = value %}`: only namespaces may be changed this way, as in Jinja2. */
  setAttribute(target: unknown, key: unknown, value: unknown): void {
    if (target === null || typeof target !== 'object' || target.constructor?.name !== 'Namespace') {
      throw new Error(`can only set attributes of a namespace(), not of '${pyStr(target)}'`);
    }
    (target as Record<string, unknown>)[String(key)] = value;
  },

  /** `a ~ b`: str() of both, None as 'None'. */
  cat(left: unknown, right: unknown): string {
    return pyStrNone(left) + pyStrNone(right);
  },

  /** Python `%`: printf-style formatting of a string, else a modulo with the divisor's sign. */
  mod(left: unknown, right: unknown): unknown {
    if (typeof left === 'string' || left instanceof String) return pyPercentFormat(String(left), right);
    const l = left as number;
    const r = right as number;
    if (r === 0) throw new Error('integer division or modulo by zero');
    return ((l % r) + r) % r;
  },

  /** Python `*`: strings and lists repeat. */
  mul(left: unknown, right: unknown): unknown {
    if (typeof left === 'number' && (typeof right === 'string' || Array.isArray(right))) [left, right] = [right, left];
    if (typeof left === 'string') return left.repeat(Math.max(0, right as number));
    if (Array.isArray(left)) return Array.from({ length: Math.max(0, right as number) }, () => left).flat(1);
    return (left as number) * (right as number);
  },

  /** `seq[start:stop:step]` with Python's rules for negative and missing bounds. */
  slice(target: unknown, bounds: (number | null)[]): unknown {
    const text = typeof target === 'string' ? target : undefined;
    const items: unknown[] = text !== undefined ? [...text] : Array.isArray(target) ? target : [];
    if (text === undefined && !Array.isArray(target)) throw new Error(`'${pyStr(target)}' cannot be sliced`);
    const [start, stop, step = 1] = bounds.map((b) => (b === null ? undefined : b));
    const length = items.length;
    const stepBy = step ?? 1;
    if (stepBy === 0) throw new Error('slice step cannot be zero');
    const clamp = (value: number | undefined, fallback: number, low: number, high: number) => {
      if (value === undefined) return fallback;
      const v = value < 0 ? value + length : value;
      return Math.min(Math.max(v, low), high);
    };
    const out: unknown[] = [];
    if (stepBy > 0) {
      for (let i = clamp(start, 0, 0, length), end = clamp(stop, length, 0, length); i < end; i += stepBy) out.push(items[i]);
    } else {
      for (let i = clamp(start, length - 1, -1, length - 1), end = clamp(stop, -1, -1, length - 1); i > end; i += stepBy) out.push(items[i]);
    }
    return text !== undefined ? out.join('') : out;
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
