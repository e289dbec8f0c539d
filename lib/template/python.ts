/**
 * Python value semantics that Jinja2 users rely on and JavaScript gets wrong:
 * truthiness of empty containers, str() of booleans/None/lists, equality of
 * lists and dicts, and Ansible's string-to-bool coercion.
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Python truthiness: empty string/list/dict, 0, None and False are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'string':
      return value.length > 0;
    case 'number':
      return value !== 0 && !Number.isNaN(value);
    case 'object':
      if (Array.isArray(value)) return value.length > 0;
      if (value instanceof Map || value instanceof Set) return value.size > 0;
      if (value instanceof String) return value.length > 0; // nunjucks SafeString
      if (isPlainObject(value)) {
        for (const _ in value) return true;
        return false;
      }
      return true;
    default:
      return true;
  }
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1', 'y', 't']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0', 'n', 'f', '']);

/** Ansible's `bool` filter: only well-known words (and 1) are true. */
export function ansibleBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined) return false;
  if (typeof value === 'number') return value === 1;
  if (typeof value === 'string' || value instanceof String) return TRUE_WORDS.has(String(value).trim().toLowerCase());
  return false;
}

/**
 * Truth of a condition result. Strings are where Ansible differs from Python:
 * "false"/"no"/"off" read from YAML or the command line mean false, and any
 * other non-empty string is true.
 */
export function conditionTruth(value: unknown): boolean {
  if (typeof value === 'string' || value instanceof String) {
    const word = String(value).trim().toLowerCase();
    if (FALSE_WORDS.has(word)) return false;
    return true;
  }
  return truthy(value);
}

/** Python str(): what `{{ value }}` prints inside a larger string. None prints as '' like Ansible. */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (value instanceof String) return value.toString();
  return pyRepr(value);
}

/** Python repr(), for containers printed inline. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (value instanceof String) return pyRepr(value.toString());
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

/** Python ==: structural for lists and dicts, no string/number coercion. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof String) a = a.toString();
  if (b instanceof String) b = b.toString();
  if (a === b) return true;
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // Python: True == 1 and False == 0
    if (typeof a === 'boolean' && typeof b === 'number') return Number(a) === b;
    if (typeof b === 'boolean' && typeof a === 'number') return Number(b) === a;
    return a === b;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => pyEquals(item, (b as unknown[])[i]));
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEquals((a as never)[k], (b as never)[k]));
}

/** Python str.split: no separator splits on runs of whitespace and drops empty ends. */
export function pySplit(text: string, separator?: string | null, maxSplit = -1): string[] {
  if (separator === undefined || separator === null) {
    const parts = text.trim().split(/\s+/).filter((p) => p !== '');
    if (maxSplit < 0 || parts.length <= maxSplit + 1) return parts;
    // Re-split keeping the remainder intact, as Python does.
    const out: string[] = [];
    let rest = text.trimStart();
    for (let i = 0; i < maxSplit; i++) {
      const m = /\s+/.exec(rest);
      if (!m) break;
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    out.push(rest);
    return out;
  }
  if (separator === '') throw new Error('empty separator');
  const parts = text.split(separator);
  if (maxSplit < 0 || parts.length <= maxSplit + 1) return parts;
  return [...parts.slice(0, maxSplit), parts.slice(maxSplit).join(separator)];
}

function stripChars(text: string, chars: string | undefined | null, left: boolean, right: boolean): string {
  if (chars === undefined || chars === null) {
    if (left && right) return text.trim();
    return left ? text.trimStart() : text.trimEnd();
  }
  let start = 0;
  let end = text.length;
  if (left) while (start < end && chars.includes(text[start])) start++;
  if (right) while (end > start && chars.includes(text[end - 1])) end--;
  return text.slice(start, end);
}

function prefixes(arg: unknown): string[] {
  return Array.isArray(arg) ? arg.map(String) : [String(arg)];
}

type Method = (self: never, ...args: never[]) => unknown;

/** Python str methods playbooks call, e.g. `{{ path.split('/') }}`. */
const STRING_METHODS: Record<string, (self: string, ...args: any[]) => unknown> = {
  split: (s, sep?: string | null, max?: number) => pySplit(s, sep, max ?? -1),
  rsplit: (s, sep?: string | null, max?: number) => {
    if (max === undefined || max < 0) return pySplit(s, sep);
    const reversed = pySplit([...s].reverse().join(''), sep === undefined || sep === null ? sep : [...sep].reverse().join(''), max);
    return reversed.map((p) => [...p].reverse().join('')).reverse();
  },
  splitlines: (s) => s.split(/\r?\n/).filter((line, i, all) => i < all.length - 1 || line !== ''),
  startswith: (s, p) => prefixes(p).some((x) => s.startsWith(x)),
  endswith: (s, p) => prefixes(p).some((x) => s.endsWith(x)),
  strip: (s, chars?: string) => stripChars(s, chars, true, true),
  lstrip: (s, chars?: string) => stripChars(s, chars, true, false),
  rstrip: (s, chars?: string) => stripChars(s, chars, false, true),
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  title: (s) => s.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_, pre: string, c: string) => pre + c.toUpperCase()),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  replace: (s, old: string, replacement: string, count?: number) => {
    if (count === undefined || count < 0) return s.split(old).join(replacement);
    const parts = s.split(old);
    return parts.slice(0, count + 1).join(replacement) + (parts.length > count + 1 ? old + parts.slice(count + 1).join(old) : '');
  },
  find: (s, sub: string) => s.indexOf(sub),
  count: (s, sub: string) => (sub === '' ? s.length + 1 : s.split(sub).length - 1),
  join: (s, items: unknown) => (Array.isArray(items) ? items.map(pyStr).join(s) : ''),
  isdigit: (s) => /^[0-9]+$/.test(s),
  isalpha: (s) => /^[A-Za-z]+$/.test(s),
  isalnum: (s) => /^[A-Za-z0-9]+$/.test(s),
  isspace: (s) => /^\s+$/.test(s),
  isupper: (s) => /[A-Z]/.test(s) && s === s.toUpperCase(),
  islower: (s) => /[a-z]/.test(s) && s === s.toLowerCase(),
  zfill: (s, width: number) => s.padStart(width, '0'),
  format: (s, ...args: unknown[]) => {
    let auto = 0;
    return s.replace(/\{(\d*)\}/g, (_, index: string) => pyStr(args[index === '' ? auto++ : Number(index)]));
  },
};

const LIST_METHODS: Record<string, (self: unknown[], ...args: any[]) => unknown> = {
  index: (l, x: unknown) => {
    const i = l.findIndex((item) => pyEquals(item, x));
    if (i < 0) throw new Error(`${pyRepr(x)} is not in list`);
    return i;
  },
  count: (l, x: unknown) => l.filter((item) => pyEquals(item, x)).length,
  // Mutators are used in `{% set _ = list.append(x) %}` idioms.
  append: (l, x: unknown) => void l.push(x),
  extend: (l, x: unknown[]) => void l.push(...x),
  insert: (l, i: number, x: unknown) => void l.splice(i, 0, x),
  pop: (l, i?: number) => (i === undefined ? l.pop() : l.splice(i < 0 ? l.length + i : i, 1)[0]),
};

const DICT_METHODS: Record<string, (self: Record<string, unknown>, ...args: any[]) => unknown> = {
  keys: (d) => Object.keys(d),
  values: (d) => Object.values(d),
  items: (d) => Object.entries(d),
  get: (d, key: string, fallback: unknown = null) => (Object.prototype.hasOwnProperty.call(d, key) ? d[key] : fallback),
  update: (d, other: Record<string, unknown>) => void Object.assign(d, other),
};

/** A bound Python method for `obj.name`, or undefined when Python would have none. */
export function pythonMethod(obj: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  let table: Record<string, Method> | undefined;
  if (typeof obj === 'string') table = STRING_METHODS as Record<string, Method>;
  else if (Array.isArray(obj)) table = LIST_METHODS as Record<string, Method>;
  else if (isPlainObject(obj)) table = DICT_METHODS as Record<string, Method>;
  if (!table || !Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  const method = table[name];
  return (...args: unknown[]) => method(obj as never, ...(stripKeywordArgs(args) as never[]));
}

/** Nunjucks passes `f(a=1)` as a trailing object flagged `__keywords`; positional-only methods ignore it. */
export function stripKeywordArgs(args: unknown[]): unknown[] {
  const last = args[args.length - 1];
  return isKeywordArgs(last) ? args.slice(0, -1) : args;
}

export function isKeywordArgs(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, '__keywords');
}
