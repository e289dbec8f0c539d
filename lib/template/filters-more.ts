/**
 * Ansible and Jinja2 filters beyond the everyday ones: hashes, paths, set and
 * combinatoric helpers, `comment`, `extract`, `json_query`, human-readable
 * sizes, `subelements`. Each follows the Python implementation it is named after.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { attributePath, bindArguments, splitKeywords, toList, type Filter } from './arguments.js';
import { isPlainObject, PyTuple, pyEquals, pyStr, pythonMethod } from './python.js';
import { choice, PyRandom, randrange, shuffleInPlace, systemRandom, type BelowSource } from './py-random.js';
import { lazyModule } from '../util/lazy-module.js';

// jmespath is loaded on first use of json_query: start-up time is part of every run.
const jmespath = lazyModule<typeof import('jmespath')>('jmespath');

function uniqueBy(items: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) if (!out.some((seen) => pyEquals(seen, item))) out.push(item);
  return out;
}

function digest(algorithm: string, value: unknown): string {
  return createHash(algorithm).update(pyStr(value), 'utf8').digest('hex');
}

function product(lists: unknown[][]): PyTuple[] {
  let out: PyTuple[] = [PyTuple.of()];
  for (const list of lists) out = out.flatMap((prefix) => list.map((item) => PyTuple.from([...prefix, item])));
  return out;
}

function combinations(items: unknown[], size: number): PyTuple[] {
  if (size === 0) return [PyTuple.of()];
  const out: PyTuple[] = [];
  items.forEach((item, i) => {
    for (const rest of combinations(items.slice(i + 1), size - 1)) out.push(PyTuple.from([item, ...rest]));
  });
  return out;
}

function permutations(items: unknown[], size: number): PyTuple[] {
  if (size === 0) return [PyTuple.of()];
  const out: PyTuple[] = [];
  items.forEach((item, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)], size - 1)) out.push(PyTuple.from([item, ...rest]));
  });
  return out;
}

const COMMENT_STYLES: Record<string, { beginning?: string; decoration: string; end?: string; prefix: string; prefix_count: number; postfix: string; postfix_count: number; newline: string }> = {
  plain: { decoration: '# ', prefix: '#', prefix_count: 1, postfix: '#', postfix_count: 1, newline: '\n' },
  erlang: { decoration: '% ', prefix: '%', prefix_count: 1, postfix: '%', postfix_count: 1, newline: '\n' },
  c: { decoration: '// ', prefix: '//', prefix_count: 1, postfix: '//', postfix_count: 1, newline: '\n' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */', prefix: '', prefix_count: 1, postfix: '', postfix_count: 1, newline: '\n' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->', prefix: '', prefix_count: 1, postfix: '', postfix_count: 1, newline: '\n' },
};

/** Ansible's `comment` filter (plugins/filter/core.py). */
function comment(text: unknown, style = 'plain', options: Record<string, unknown> = {}): string {
  const p = { ...COMMENT_STYLES[style] ?? COMMENT_STYLES.plain, ...(style === 'plain' ? {} : {}), ...options } as Record<string, unknown>;
  if (style in COMMENT_STYLES && style !== 'plain' && options.decoration === undefined) p.decoration = COMMENT_STYLES[style].decoration;
  const newline = String(p.newline);
  const decoration = String(p.decoration);
  const beginning = p.beginning === undefined ? '' : String(p.beginning);
  const end = p.end === undefined ? '' : String(p.end);
  const prefix = String(p.prefix);
  const postfix = String(p.postfix);
  const prefixCount = Number(p.prefix_count);
  const postfixCount = Number(p.postfix_count);
  const prefixLines = prefix ? Array.from({ length: prefixCount }, () => decoration.trimEnd() === '' ? prefix : prefix).join(newline) : '';
  const postfixLines = postfix ? Array.from({ length: postfixCount }, () => postfix).join(newline) : '';
  const body = pyStr(text)
    .split('\n')
    .map((line) => (decoration + line).trimEnd() === decoration.trimEnd() && line === '' ? decoration.trimEnd() : decoration + line)
    .join(newline);
  let out = '';
  if (beginning) out += beginning + newline;
  if (prefixLines) out += prefixLines + newline;
  out += body;
  if (postfixLines) out += newline + postfixLines;
  if (end) out += newline + end;
  return out;
}

const SIZE_UNITS = ['', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

function humanToBytes(value: unknown, defaultUnit?: string, isBits = false): number {
  const m = /^\s*(\d*\.?\d+)\s*([A-Za-z]*)\s*$/.exec(pyStr(value));
  if (!m) throw new Error(`human_to_bytes() can't interpret following string: ${pyStr(value)}`);
  const unit = (m[2] || defaultUnit || '').replace(/i?[bB]$/, '').toUpperCase();
  const power = SIZE_UNITS.indexOf(unit);
  if (power < 0) throw new Error(`human_to_bytes() failed to convert ${pyStr(value)}`);
  const bits = isBits ? 1 : 1;
  return Math.round(Number(m[1]) * 1024 ** power * bits);
}

function humanReadable(value: unknown, isBits = false, unit?: string): string {
  const n = Number(value);
  const suffix = isBits ? 'b' : 'B';
  let power = SIZE_UNITS.length - 1;
  if (unit) power = SIZE_UNITS.indexOf(unit[0].toUpperCase());
  else while (power > 0 && n < 1024 ** power) power--;
  return `${(n / 1024 ** power).toFixed(2)} ${SIZE_UNITS[power]}${suffix}`;
}

/** Python's urllib quote: RFC 3986 unreserved characters and `safe` stay, the rest %-escaped (UTF-8). */
function urlQuote(text: string, safe: string, forQuery: boolean): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.~-]/.test(c) || safe.includes(c)) out += c;
    else if (forQuery && c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function extreme(sign: 1 | -1): Filter {
  return (value: unknown, ...args: unknown[]) => {
    const { case_sensitive, attribute } = bindArguments(args, ['case_sensitive', 'attribute'], { case_sensitive: false, attribute: undefined as string | undefined });
    const key = (item: unknown) => {
      const v = attribute === undefined ? item : attributePath(item, String(attribute));
      return !case_sensitive && typeof v === 'string' ? v.toLowerCase() : v;
    };
    let best: unknown;
    let bestKey: unknown;
    for (const item of toList(value)) {
      const k = key(item);
      if (best === undefined || (sign > 0 ? (k as number) > (bestKey as number) : (k as number) < (bestKey as number))) [best, bestKey] = [item, k];
    }
    return best;
  };
}

export function moreFilters(): Record<string, Filter> {
  return {
    max: extreme(1),
    min: extreme(-1),
    indent: (value: unknown, ...args: unknown[]) => {
      const { width, first, blank } = bindArguments(args, ['width', 'first', 'blank'], { width: 4 as number | string, first: false, blank: false });
      const indention = typeof width === 'string' ? width : ' '.repeat(Number(width));
      const lines = `${pyStr(value)}\n`.split('\n').slice(0, -1);
      let out: string;
      if (blank) out = lines.join(`\n${indention}`);
      else out = [lines[0], ...lines.slice(1).map((line) => (line ? indention + line : line))].join('\n');
      return first ? indention + out : out;
    },
    groupby: (value: unknown, attribute: string) => {
      const groups: [unknown, unknown[]][] = [];
      const sorted = [...toList(value)].sort((a, b) => {
        const ka = attributePath(a, String(attribute)) as number;
        const kb = attributePath(b, String(attribute)) as number;
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
      for (const item of sorted) {
        const key = attributePath(item, String(attribute));
        const last = groups[groups.length - 1];
        if (last && pyEquals(last[0], key)) last[1].push(item);
        else groups.push([key, [item]]);
      }
      return groups.map((group) => PyTuple.from(group));
    },
    urlencode: (value: unknown) => {
      if (typeof value === 'string') return urlQuote(value, '/', false);
      const pairs = isPlainObject(value) ? Object.entries(value) : toList(value).map((pair) => pair as [unknown, unknown]);
      return pairs.map(([k, v]) => `${urlQuote(pyStr(k), '', true)}=${urlQuote(pyStr(v), '', true)}`).join('&');
    },
    hash: (value: unknown, algorithm = 'sha1') => digest(String(algorithm), value),
    checksum: (value: unknown) => digest('sha1', value),
    sha1: (value: unknown) => digest('sha1', value),
    md5: (value: unknown) => digest('md5', value),
    path_join: (value: unknown) => (typeof value === 'string' ? value : path.posix.join(...toList(value).map(pyStr)).replace(/^(?=.)/, (_) => '')),
    urlsplit: (value: unknown, query = '') => {
      const url = new URL(pyStr(value));
      const parts: Record<string, unknown> = {
        fragment: url.hash.replace(/^#/, ''),
        hostname: url.hostname,
        netloc: url.host,
        password: url.password || null,
        path: url.pathname,
        port: url.port ? Number(url.port) : null,
        query: url.search.replace(/^\?/, ''),
        scheme: url.protocol.replace(/:$/, ''),
        username: url.username || null,
      };
      if (!query) return parts;
      if (!Object.hasOwn(parts, query)) throw new Error(`urlsplit: unknown URL component: ${query}`);
      return parts[query];
    },
    symmetric_difference: (value: unknown, other: unknown) => {
      const a = toList(value);
      const b = toList(other);
      return uniqueBy([...a.filter((x) => !b.some((y) => pyEquals(x, y))), ...b.filter((y) => !a.some((x) => pyEquals(x, y)))]);
    },
    product: (value: unknown, ...args: unknown[]) => {
      const [lists, keywords] = splitKeywords(args);
      const all = [toList(value), ...lists.map(toList)];
      const repeat = Number(keywords.repeat ?? 1);
      return product(Array.from({ length: repeat }, () => all).flat());
    },
    permutations: (value: unknown, size?: number) => {
      const items = toList(value);
      return permutations(items, size ?? items.length);
    },
    combinations: (value: unknown, size: number) => combinations(toList(value), Number(size)),
    zip_longest: (value: unknown, ...args: unknown[]) => {
      const [others, keywords] = splitKeywords(args);
      const lists = [toList(value), ...others.map(toList)];
      const length = Math.max(...lists.map((l) => l.length));
      const fill = keywords.fillvalue ?? null;
      return Array.from({ length }, (_, i) => PyTuple.from(lists.map((l) => (i < l.length ? l[i] : fill))));
    },
    comment: (value: unknown, ...args: unknown[]) => {
      const [positional, keywords] = splitKeywords(args);
      return comment(value, positional[0] === undefined ? 'plain' : String(positional[0]), keywords);
    },
    extract: (item: unknown, container: unknown, morekeys?: unknown) => {
      const lookup = (obj: unknown, key: unknown) => {
        if (Array.isArray(obj)) return obj[Number(key)];
        if (isPlainObject(obj) && Object.hasOwn(obj, String(key))) return obj[String(key)];
        throw new Error(`'${pyStr(obj)}' has no key ${pyStr(key)}`);
      };
      let value = lookup(container, item);
      const keys = morekeys === undefined ? [] : Array.isArray(morekeys) ? morekeys : [morekeys];
      for (const key of keys) value = lookup(value, key);
      return value;
    },
    to_uuid: (value: unknown, namespace = '361E6D51-FAEC-444A-9079-341386DA8E2E') => {
      const ns = Buffer.from(String(namespace).replace(/-/g, ''), 'hex');
      const hash = createHash('sha1').update(ns).update(pyStr(value), 'utf8').digest();
      hash[6] = (hash[6] & 0x0f) | 0x50;
      hash[8] = (hash[8] & 0x3f) | 0x80;
      const hex = hash.subarray(0, 16).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
    human_to_bytes: (value: unknown, defaultUnit?: string, isBits = false) => humanToBytes(value, defaultUnit, isBits),
    human_readable: (value: unknown, isBits = false, unit?: string) => humanReadable(value, isBits, unit),
    subelements: (value: unknown, ...args: unknown[]) => {
      const { subelements, skip_missing } = bindArguments(args, ['subelements', 'skip_missing'], { subelements: '', skip_missing: false } as { subelements: unknown; skip_missing: unknown });
      const elements = isPlainObject(value) ? Object.values(value) : toList(value);
      if (typeof subelements !== 'string') throw new Error('subelements must be a string');
      const out: unknown[][] = [];
      for (const element of elements) {
        if (!isPlainObject(element)) throw new Error(`the key ${subelements} should point to a dictionary, got '${pyStr(element)}'`);
        const values = attributePath(element, subelements);
        if (values === undefined) {
          if (skip_missing) continue;
          throw new Error(`could not find '${subelements}' key in iterated item`);
        }
        if (!Array.isArray(values)) throw new Error(`the key ${subelements} should point to a list`);
        for (const sub of values) out.push([element, sub]);
      }
      return out;
    },
    items: (value: unknown) => (isPlainObject(value) ? Object.entries(value).map((pair) => PyTuple.from(pair)) : []),
    attr: (value: unknown, name: string) => {
      if (isPlainObject(value) && Object.hasOwn(value, name)) return value[name];
      return pythonMethod(value, String(name));
    },
    json_query: (value: unknown, expression: string) => jmespath().search(value as never, String(expression)),
    // Ansible's randomize_list: any failure (not iterable, a seed Python refuses) gives the list as it was.
    shuffle: (value: unknown, ...args: unknown[]) => {
      const { seed } = bindArguments(args, ['seed'], { seed: undefined as unknown });
      let items: unknown[];
      try {
        items = [...toList(value)];
      } catch {
        return value;
      }
      const source = seed ? seededRandom(seed) : systemRandom;
      return source ? shuffleInPlace(source, items) : items;
    },
    random: (value: unknown, ...args: unknown[]) => {
      const { start, step, seed } = bindArguments(args, ['start', 'step', 'seed'], { start: undefined, step: undefined, seed: undefined } as Record<'start' | 'step' | 'seed', unknown>);
      const source = seed === undefined || seed === null ? systemRandom : seededRandom(seed);
      if (!source) throw new Error('The only supported seed types are: None, int, float, str, bytes, and bytearray.');
      if (typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value))) {
        return randrange(source, start ? Number(start) : 0, Number(value), step ? Number(step) : 1);
      }
      if (typeof value === 'string' || Array.isArray(value)) {
        if (start || step) throw new Error('start and step can only be used with integer values');
        return choice(source, typeof value === 'string' ? [...value] : value);
      }
      throw new Error('random can only be used on sequences and integers');
    },
    wordwrap: (value: unknown, width = 79, breakLongWords = true, wrapstring = '\n') => {
      const words = pyStr(value).split(/\s+/).filter(Boolean);
      const lines: string[] = [];
      let line = '';
      for (let word of words) {
        while (breakLongWords && word.length > width) {
          if (line) {
            lines.push(line);
            line = '';
          }
          lines.push(word.slice(0, width));
          word = word.slice(width);
        }
        if (!line) line = word;
        else if (line.length + 1 + word.length <= width) line += ` ${word}`;
        else {
          lines.push(line);
          line = word;
        }
      }
      if (line) lines.push(line);
      return lines.join(String(wrapstring));
    },
    filesizeformat: (value: unknown, binary = false) => {
      const bytes = Number(value);
      const base = binary ? 1024 : 1000;
      const units = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
      if (bytes === 1) return '1 Byte';
      if (bytes < base) return `${bytes} Bytes`;
      let unit = 0;
      while (unit < units.length - 1 && bytes >= base ** (unit + 2)) unit++;
      return `${(bytes / base ** (unit + 1)).toFixed(1)} ${units[unit]}`;
    },
  };
}

/** Python's `Random(seed)` for an integer, a bool or a text; undefined for what Python refuses (a list, a mapping). */
function seededRandom(seed: unknown): BelowSource | undefined {
  if (typeof seed === 'string') return new PyRandom(seed);
  if (typeof seed === 'boolean') return new PyRandom(seed ? 1 : 0);
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) return new PyRandom(seed);
  // Python seeds with the float's hash: not reproduced here, and never silently something else.
  if (typeof seed === 'number') throw new Error('a seed that is not a whole number is not supported');
  if (typeof seed === 'bigint') return new PyRandom(seed);
  return undefined;
}
