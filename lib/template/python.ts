/**
 * Python value semantics that Jinja2 users rely on and JavaScript gets wrong:
 * truthiness of empty containers, str() of booleans/None/lists, equality of
 * lists and dicts, and Ansible's string-to-bool coercion.
 */

/** A Python tuple: an array everywhere, printed `(a, b)` and never parsed back into a list. */
export class PyTuple extends Array<unknown> {}

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
  if (typeof value === 'string') return pyStringRepr(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (value instanceof String) return pyRepr(value.toString());
  if (value instanceof PyTuple) return value.length === 1 ? `(${pyRepr(value[0])},)` : `(${value.map(pyRepr).join(', ')})`;
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
    const last = args[args.length - 1];
    const named = isKeywordArgs(last) ? (args.pop() as Record<string, unknown>) : {};
    return pyFormat(s, args, named);
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
  items: (d) => Object.entries(d).map((pair) => PyTuple.from(pair)),
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
  return (...args: unknown[]) => method(obj as never, ...((name === 'format' ? args : stripKeywordArgs(args)) as never[]));
}

/** Nunjucks passes `f(a=1)` as a trailing object flagged `__keywords`; positional-only methods ignore it. */
export function stripKeywordArgs(args: unknown[]): unknown[] {
  const last = args[args.length - 1];
  return isKeywordArgs(last) ? args.slice(0, -1) : args;
}

export function isKeywordArgs(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, '__keywords');
}

/** Python float formatting of `value` for a %-style or format() conversion type. */
function formatNumber(value: unknown, type: string, precision: number | undefined): string {
  const n = typeof value === 'boolean' ? Number(value) : (value as number);
  if (typeof n !== 'number') throw new Error(`%${type} format: a number is required, not ${typeof value}`);
  switch (type) {
    case 'd':
    case 'i':
    case 'u':
      return String(Math.trunc(n));
    case 'x':
      return Math.trunc(n).toString(16);
    case 'X':
      return Math.trunc(n).toString(16).toUpperCase();
    case 'o':
      return Math.trunc(n).toString(8);
    case 'b':
      return Math.trunc(n).toString(2);
    case 'e':
    case 'E': {
      const text = n.toExponential(precision ?? 6).replace(/e([-+])(\d)$/, 'e$10$2');
      return type === 'E' ? text.toUpperCase() : text;
    }
    case '%':
      return `${(n * 100).toFixed(precision ?? 6)}%`;
    default: // f, F, g (approximated as f)
      return n.toFixed(precision ?? 6);
  }
}

function pad(text: string, width: number | undefined, align: string, fill: string, zero: boolean): string {
  if (width === undefined || text.length >= width) return text;
  if (zero && align !== '<') {
    const sign = /^[-+ ]/.test(text) ? text[0] : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  if (align === '<') return text.padEnd(width, fill);
  if (align === '^') {
    const left = Math.floor((width - text.length) / 2);
    return fill.repeat(left) + text + fill.repeat(width - text.length - left);
  }
  return text.padStart(width, fill);
}

/** Python's `fmt % args` (printf-style): %s %r %d %i %f %e %x %o %%, flags, width, precision, %(name)s. */
export function pyPercentFormat(fmt: string, args: unknown): string {
  const positional = Array.isArray(args) ? args : [args];
  let next = 0;
  const out = fmt.replace(/%(?:\((\w+)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\d+))?([sridufFeExXoc%])/g, (_, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
    if (type === '%') return '%';
    let value: unknown;
    if (key !== undefined) value = (args as Record<string, unknown>)[key];
    else {
      if (next >= positional.length) throw new Error('not enough arguments for format string');
      value = positional[next++];
    }
    const prec = precision === undefined ? undefined : Number(precision);
    let text: string;
    if (type === 's') text = prec === undefined ? pyStrNone(value) : pyStrNone(value).slice(0, prec);
    else if (type === 'r') text = pyRepr(value);
    else if (type === 'c') text = typeof value === 'number' ? String.fromCodePoint(value) : String(value);
    else {
      text = formatNumber(value, type, prec);
      if (flags.includes('+') && !text.startsWith('-')) text = `+${text}`;
      else if (flags.includes(' ') && !text.startsWith('-')) text = ` ${text}`;
    }
    return pad(text, width === undefined ? undefined : Number(width), flags.includes('-') ? '<' : '>', ' ', flags.includes('0') && type !== 's');
  });
  if (key0(fmt) === undefined && Array.isArray(args) && next < positional.length) throw new Error('not all arguments converted during string formatting');
  return out;
}

function key0(fmt: string): string | undefined {
  return /%\((\w+)\)/.exec(fmt)?.[1];
}

/** str() where None prints as 'None' (inside formatting and `~`, unlike a template's output). */
export function pyStrNone(value: unknown): string {
  return value === null || value === undefined ? 'None' : pyStr(value);
}

/** Python's str.format: {} {0} {name} {name.attr} {0[key]}, with [[fill]align][sign][0][width][.precision][type]. */
export function pyFormat(fmt: string, positional: unknown[], named: Record<string, unknown>): string {
  let auto = 0;
  return fmt.replace(/\{\{|\}\}|\{([^{}:!]*)(?:![rsa])?(?::([^{}]*))?\}/g, (whole, field: string | undefined, spec: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const [head, ...path] = (field ?? '').split(/\.|(?=\[)/);
    let value: unknown = head === '' ? positional[auto++] : /^\d+$/.test(head) ? positional[Number(head)] : named[head];
    for (const step of path) {
      const key = step.startsWith('[') ? step.slice(1, -1) : step;
      value = (value as Record<string, unknown>)?.[key];
    }
    if (!spec) return pyStrNone(value);
    const m = /^(?:(.)?([<>^=]))?([-+ ])?(0)?(\d+)?(?:,)?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/.exec(spec);
    if (!m) throw new Error(`invalid format specifier '${spec}'`);
    const [, fill, align, sign, zero, width, precision, type] = m;
    let text = type && type !== 's' ? formatNumber(value, type, precision === undefined ? undefined : Number(precision)) : pyStrNone(value);
    if (type === 's' && precision !== undefined) text = text.slice(0, Number(precision));
    if (sign === '+' && typeof value === 'number' && value >= 0) text = `+${text}`;
    const defaultAlign = typeof value === 'number' ? '>' : '<';
    return pad(text, width === undefined ? undefined : Number(width), align ?? defaultAlign, fill ?? ' ', zero === '0');
  });
}

/** Python repr() of a str: single quotes unless the text has ' and no ", escapes for control characters. */
export function pyStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const c of text) {
    if (c === '\\') out += '\\\\';
    else if (c === quote) out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c < ' ' || c === '\x7f') out += `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return out + quote;
}
