/** Ansible filters for serialisation, encodings, paths, regular expressions and dicts. */
import path from 'node:path';
import yaml from 'js-yaml';
import { dumpYaml } from './pyyaml.js';
import { bindArguments, splitKeywords, toList, type Filter } from './arguments.js';
import { isPlainObject, PyTuple, pyStr } from './python.js';

/** Python's json.dumps: `", "` and `": "` separators unless indenting. */
export function pythonJson(value: unknown, indent?: number, sortKeys = false, level = 0): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value !== 'object' || value instanceof String) return asciiJson(JSON.stringify(value instanceof String ? String(value) : value));
  const pad = indent === undefined ? '' : '\n' + ' '.repeat(indent * (level + 1));
  const close = indent === undefined ? '' : '\n' + ' '.repeat(indent * level);
  const separator = indent === undefined ? ', ' : ',';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${pad}${value.map((item) => pythonJson(item, indent, sortKeys, level + 1)).join(separator + pad)}${close}]`;
  }
  const entries = value instanceof Map ? [...value].map(([k, v]) => [String(k), v] as const) : Object.entries(value);
  if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return '{}';
  const body = entries.map(([k, v]) => `${asciiJson(JSON.stringify(k))}: ${pythonJson(v, indent, sortKeys, level + 1)}`);
  return `{${pad}${body.join(separator + pad)}${close}}`;
}

/** json.dumps' ensure_ascii: every non-ASCII character as a \\u escape. */
function asciiJson(text: string): string {
  return text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python `re` syntax that JavaScript spells differently. */
export function pythonRegex(pattern: string, flags: Record<string, unknown> = {}, extra = ''): RegExp {
  const source = String(pattern)
    .replace(/\(\?P<(\w+)>/g, '(?<$1>')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  let jsFlags = extra;
  if (flags.ignorecase) jsFlags += 'i';
  if (flags.multiline) jsFlags += 'm';
  return new RegExp(source, jsFlags);
}

/** `\1` and `\g<name>` in a Python replacement string become `$1` and `$<name>`. */
function pythonReplacement(replacement: string): string {
  return String(replacement)
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\d+)>/g, '$$$1')
    .replace(/\\g<(\w+)>/g, '$$<$1>')
    .replace(/\\(\d+)/g, '$$$1');
}

function mergeDicts(base: Record<string, unknown>, other: Record<string, unknown>, recursive: boolean, listMerge: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(other)) {
    const existing = out[key];
    if (recursive && isPlainObject(existing) && isPlainObject(value)) out[key] = mergeDicts(existing, value, recursive, listMerge);
    else if (Array.isArray(existing) && Array.isArray(value) && listMerge !== 'replace') {
      if (listMerge === 'append') out[key] = [...existing, ...value];
      else if (listMerge === 'prepend') out[key] = [...value, ...existing];
      else if (listMerge === 'append_rp') out[key] = [...existing.filter((x) => !value.includes(x)), ...value];
      else if (listMerge === 'prepend_rp') out[key] = [...value, ...existing.filter((x) => !value.includes(x))];
      else if (listMerge === 'keep') out[key] = existing;
      else throw new Error(`combine: unknown list_merge '${listMerge}'`);
    } else out[key] = value;
  }
  return out;
}

function requireMapping(value: unknown, filter: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new Error(`${filter} requires a dictionary, got ${Array.isArray(value) ? 'a list' : typeof value}`);
  return value;
}

export function dataFilters(): Record<string, Filter> {
  return {
    to_json: (value: unknown, ...args: unknown[]) => {
      const { indent, sort_keys } = bindArguments(args, ['indent', 'sort_keys'], { indent: undefined as number | undefined, sort_keys: false });
      return pythonJson(value, indent, sort_keys);
    },
    to_nice_json: (value: unknown, ...args: unknown[]) => {
      const { indent, sort_keys } = bindArguments(args, ['indent', 'sort_keys'], { indent: 4, sort_keys: true });
      return pythonJson(value, indent, sort_keys);
    },
    from_json: (value: unknown) => JSON.parse(pyStr(value)),
    to_yaml: (value: unknown, ...args: unknown[]) => {
      const { indent, sort_keys } = bindArguments(args, ['indent', 'sort_keys'], { indent: 2, sort_keys: true });
      return dumpYaml(value, { indent, flow: null, sortKeys: sort_keys });
    },
    to_nice_yaml: (value: unknown, ...args: unknown[]) => {
      const { indent, sort_keys } = bindArguments(args, ['indent', 'sort_keys'], { indent: 4, sort_keys: true });
      return dumpYaml(value, { indent, flow: false, sortKeys: sort_keys });
    },
    from_yaml: (value: unknown) => yaml.load(pyStr(value)),

    b64encode: (value: unknown) => Buffer.from(pyStr(value), 'utf8').toString('base64'),
    b64decode: (value: unknown) => Buffer.from(pyStr(value), 'base64').toString('utf8'),

    basename: (value: unknown) => path.posix.basename(pyStr(value)),
    dirname: (value: unknown) => {
      // Python's os.path.dirname('file') is '' and keeps no trailing slash.
      const text = pyStr(value);
      const slash = text.lastIndexOf('/');
      if (slash < 0) return '';
      const head = text.slice(0, slash + 1);
      return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
    },
    splitext: (value: unknown) => {
      const text = pyStr(value);
      const ext = path.posix.extname(text);
      return PyTuple.from([text.slice(0, text.length - ext.length), ext]);
    },
    expanduser: (value: unknown) => pyStr(value).replace(/^~(?=\/|$)/, process.env.HOME ?? '~'),

    regex_replace: (value: unknown, pattern: string, replacement = '', ...args: unknown[]) => {
      const [positional, flags] = splitKeywords(args);
      const regex = pythonRegex(pattern, { ignorecase: positional[0], multiline: positional[1], ...flags }, 'g');
      return pyStr(value).replace(regex, pythonReplacement(replacement));
    },
    regex_search: (value: unknown, pattern: string, ...args: unknown[]) => {
      const [groups, flags] = splitKeywords(args);
      const match = pythonRegex(pattern, flags).exec(pyStr(value));
      if (!match) return groups.length ? [] : null;
      if (!groups.length) return match[0];
      return groups.map((group) => {
        const spec = String(group);
        const numbered = /^\\(\d+)$/.exec(spec);
        if (numbered) return match[Number(numbered[1])];
        const named = /^\\g<(\w+)>$/.exec(spec);
        if (named) return match.groups?.[named[1]];
        throw new Error(`regex_search: unknown group reference '${spec}'`);
      });
    },
    regex_findall: (value: unknown, pattern: string, ...args: unknown[]) => {
      const [, flags] = splitKeywords(args);
      const matches = [...pyStr(value).matchAll(pythonRegex(pattern, flags, 'g'))];
      return matches.map((m) => (m.length === 1 ? m[0] : m.length === 2 ? m[1] : m.slice(1)));
    },
    regex_escape: (value: unknown) => pyStr(value).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),

    combine: (value: unknown, ...args: unknown[]) => {
      const [others, keywords] = splitKeywords(args);
      const recursive = Boolean(keywords.recursive);
      const listMerge = String(keywords.list_merge ?? 'replace');
      const dicts = [value, ...others].flatMap((d) => (Array.isArray(d) ? d : [d]));
      return dicts.reduce<Record<string, unknown>>((acc, d) => mergeDicts(acc, requireMapping(d, 'combine'), recursive, listMerge), {});
    },
    dict2items: (value: unknown, ...args: unknown[]) => {
      const { key_name, value_name } = bindArguments(args, ['key_name', 'value_name'], { key_name: 'key', value_name: 'value' });
      return Object.entries(requireMapping(value, 'dict2items')).map(([k, v]) => ({ [key_name]: k, [value_name]: v }));
    },
    items2dict: (value: unknown, ...args: unknown[]) => {
      const { key_name, value_name } = bindArguments(args, ['key_name', 'value_name'], { key_name: 'key', value_name: 'value' });
      const out: Record<string, unknown> = {};
      for (const item of toList(value)) {
        const entry = requireMapping(item, 'items2dict');
        out[pyStr(entry[key_name])] = entry[value_name];
      }
      return out;
    },
    dictsort: (value: unknown, caseSensitive = false, by = 'key') => {
      const index = by === 'value' ? 1 : 0;
      const norm = (x: unknown) => (!caseSensitive && typeof x === 'string' ? x.toLowerCase() : x) as string;
      return Object.entries(requireMapping(value, 'dictsort')).map((pair) => PyTuple.from(pair)).sort((a, b) => (norm(a[index]) < norm(b[index]) ? -1 : norm(a[index]) > norm(b[index]) ? 1 : 0));
    },
  };
}
