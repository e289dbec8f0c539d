/** Jinja2 and Ansible filters over strings, lists and scalar types. */
import { attributePath, bindArguments, splitKeywords, toList, type Filter, type Test } from './arguments.js';
import { ansibleBool, pyEquals, pyRepr, pySplit, pyStr, truthy } from './python.js';

/** Late-bound so `map('upper')` and `select('match', ..)` see every registered filter and test. */
export interface Registry {
  filter(name: string): Filter;
  test(name: string): Test;
}

function compareForSort(a: unknown, b: unknown, caseSensitive: boolean): number {
  if (!caseSensitive) {
    if (typeof a === 'string') a = a.toLowerCase();
    if (typeof b === 'string') b = b.toLowerCase();
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === b) return 0;
  return (a as number) < (b as number) ? -1 : 1;
}

function toInt(value: unknown, fallback: number, base: number): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value !== 'string' && !(value instanceof String)) return fallback;
  const text = String(value).trim().replace(/_/g, '');
  const prefix = /^[-+]?0([xob])/i.exec(text)?.[1].toLowerCase();
  // Python's int(text, base) accepts a 0x/0o/0b prefix only when it matches the base (or base 0).
  const prefixed = prefix !== undefined && (base === 0 || { x: 16, o: 8, b: 2 }[prefix as 'x' | 'o' | 'b'] === base);
  if (prefix !== undefined && !prefixed) return fallback;
  if (base === 10 && !prefixed && /^[-+]?\d+$/.test(text)) return Number.parseInt(text, 10);
  if (base !== 10 || prefixed) {
    const sign = text.startsWith('-') ? -1 : 1;
    const digits = text.replace(/^[-+]/, '').replace(/^0[xob]/i, '');
    const radix = prefixed ? { x: 16, o: 8, b: 2 }[text.replace(/^[-+]/, '')[1].toLowerCase() as 'x' | 'o' | 'b'] : base;
    const parsed = Number.parseInt(digits, radix);
    return Number.isNaN(parsed) ? fallback : sign * parsed;
  }
  // Jinja's int filter falls back to int(float(value)), so '3.7' is 3.
  const asFloat = Number(text);
  return text !== '' && Number.isFinite(asFloat) ? Math.trunc(asFloat) : fallback;
}

function uniqueBy(items: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) if (!out.some((seen) => pyEquals(seen, item))) out.push(item);
  return out;
}

export function coreFilters(registry: Registry): Record<string, Filter> {
  const selectBy =
    (keep: boolean, byAttribute: boolean): Filter =>
    (value: unknown, ...args: unknown[]) => {
      const [positional] = splitKeywords(args);
      const attribute = byAttribute ? String(positional.shift()) : undefined;
      const testName = positional.shift();
      const subject = (item: unknown) => (attribute === undefined ? item : attributePath(item, attribute));
      const passes =
        testName === undefined
          ? (item: unknown) => truthy(subject(item))
          : (item: unknown) => registry.test(String(testName))(subject(item), ...positional);
      return toList(value).filter((item) => passes(item) === keep);
    };

  return {
    default: (value: unknown, fallback: unknown = '', onFalsy = false) =>
      value === undefined || (onFalsy && !truthy(value)) ? fallback : value,
    mandatory: (value: unknown, message?: string) => {
      if (value === undefined) throw new Error(message ?? 'mandatory variable not defined');
      return value;
    },
    ternary: (value: unknown, whenTrue: unknown, whenFalse: unknown, whenNone?: unknown) => {
      if (value === null && whenNone !== undefined) return whenNone;
      return truthy(value) ? whenTrue : whenFalse;
    },

    // Strings
    lower: (value: unknown) => pyStr(value).toLowerCase(),
    upper: (value: unknown) => pyStr(value).toUpperCase(),
    trim: (value: unknown, chars?: string) => {
      const text = pyStr(value);
      if (chars === undefined) return text.trim();
      let start = 0;
      let end = text.length;
      while (start < end && chars.includes(text[start])) start++;
      while (end > start && chars.includes(text[end - 1])) end--;
      return text.slice(start, end);
    },
    replace: (value: unknown, old: string, replacement: string, count?: number) => {
      const parts = pyStr(value).split(String(old));
      if (count === undefined || count < 0 || parts.length <= count + 1) return parts.join(String(replacement));
      return parts.slice(0, count + 1).join(String(replacement)) + String(old) + parts.slice(count + 1).join(String(old));
    },
    split: (value: unknown, separator?: string | null, maxSplit = -1) => pySplit(pyStr(value), separator, maxSplit),
    quote: (value: unknown) => {
      const text = pyStr(value);
      if (text === '') return "''";
      if (/^[\w@%+=:,./-]+$/.test(text)) return text;
      return `'${text.replace(/'/g, `'"'"'`)}'`;
    },
    string: (value: unknown) => (value === null ? 'None' : pyStr(value)),
    format: (format: string, ...args: unknown[]) => {
      let next = 0;
      return String(format).replace(/%([sdfr%])/g, (_, kind: string) => {
        if (kind === '%') return '%';
        const arg = args[next++];
        if (kind === 'd') return String(toInt(arg, 0, 10));
        if (kind === 'r') return pyRepr(arg);
        return kind === 'f' ? Number(arg).toFixed(6) : pyStr(arg);
      });
    },

    // Types
    int: (value: unknown, fallback = 0, base = 10) => toInt(value, fallback, base),
    float: (value: unknown, fallback = 0) => {
      if (typeof value === 'boolean') return value ? 1 : 0;
      const parsed = typeof value === 'number' ? value : Number(String(value ?? '').trim());
      return value === '' || value === null || Number.isNaN(parsed) ? fallback : parsed;
    },
    bool: (value: unknown) => (value === null || value === undefined ? null : ansibleBool(value)),
    type_debug: (value: unknown) => {
      if (value === null || value === undefined) return 'NoneType';
      if (Array.isArray(value)) return 'list';
      const kind = typeof value;
      if (kind === 'number') return Number.isInteger(value) ? 'int' : 'float';
      return { string: 'str', boolean: 'bool', object: 'dict' }[kind as string] ?? kind;
    },

    // Sequences
    length: (value: unknown) => {
      if (value instanceof Map || value instanceof Set) return value.size;
      if (typeof value === 'string' || Array.isArray(value)) return value.length;
      if (value && typeof value === 'object') return Object.keys(value).length;
      throw new Error(`object of type '${typeof value}' has no len()`);
    },
    first: (value: unknown) => toList(value)[0],
    last: (value: unknown) => {
      const items = toList(value);
      return items[items.length - 1];
    },
    list: (value: unknown) => [...toList(value)],
    unique: (value: unknown) => uniqueBy(toList(value)),
    reverse: (value: unknown) => (typeof value === 'string' ? [...value].reverse().join('') : [...toList(value)].reverse()),
    sort: (value: unknown, ...args: unknown[]) => {
      const { reverse, case_sensitive, attribute } = bindArguments(args, ['reverse', 'case_sensitive', 'attribute'], {
        reverse: false as boolean,
        case_sensitive: false as boolean,
        attribute: undefined as string | undefined,
      });
      const key = (item: unknown) => (attribute === undefined ? item : attributePath(item, attribute));
      const sorted = [...toList(value)].sort((a, b) => compareForSort(key(a), key(b), case_sensitive));
      return reverse ? sorted.reverse() : sorted;
    },
    join: (value: unknown, ...args: unknown[]) => {
      const { d, attribute } = bindArguments(args, ['d', 'attribute'], { d: '', attribute: undefined as string | undefined });
      const items = toList(value).map((item) => (attribute === undefined ? item : attributePath(item, attribute)));
      return items.map(pyStr).join(pyStr(d));
    },
    flatten: (value: unknown, levels?: number) => {
      const flat = (items: unknown[], depth: number): unknown[] =>
        items.flatMap((item) => (Array.isArray(item) && (levels === undefined || depth < levels) ? flat(item, depth + 1) : [item]));
      return flat(toList(value), 0);
    },
    min: (value: unknown) => [...toList(value)].sort((a, b) => compareForSort(a, b, true))[0],
    max: (value: unknown) => [...toList(value)].sort((a, b) => compareForSort(b, a, true))[0],
    sum: (value: unknown, ...args: unknown[]) => {
      const { attribute, start } = bindArguments(args, ['attribute', 'start'], { attribute: undefined as string | undefined, start: 0 });
      return toList(value).reduce<number>((total, item) => total + Number(attribute ? attributePath(item, attribute) : item), start);
    },
    difference: (value: unknown, other: unknown) => uniqueBy(toList(value).filter((a) => !toList(other).some((b) => pyEquals(a, b)))),
    intersect: (value: unknown, other: unknown) => uniqueBy(toList(value).filter((a) => toList(other).some((b) => pyEquals(a, b)))),
    union: (value: unknown, other: unknown) => uniqueBy([...toList(value), ...toList(other)]),
    zip: (value: unknown, ...others: unknown[]) => {
      const lists = [toList(value), ...others.map(toList)];
      const length = Math.min(...lists.map((l) => l.length));
      return Array.from({ length }, (_, i) => lists.map((l) => l[i]));
    },
    map: (value: unknown, ...args: unknown[]) => {
      const [positional, keywords] = splitKeywords(args);
      const items = toList(value);
      if ('attribute' in keywords) {
        const path = String(keywords.attribute);
        return items.map((item) => {
          const found = attributePath(item, path);
          if (found === undefined && !('default' in keywords)) throw new Error(`object has no attribute '${path}'`);
          return found === undefined ? keywords.default : found;
        });
      }
      const [name, ...rest] = positional;
      const filter = registry.filter(String(name));
      return items.map((item) => filter(item, ...rest));
    },
    select: selectBy(true, false),
    reject: selectBy(false, false),
    selectattr: selectBy(true, true),
    rejectattr: selectBy(false, true),
  };
}
