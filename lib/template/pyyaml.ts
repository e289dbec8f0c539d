/**
 * YAML text as PyYAML's yaml.dump writes it for Ansible's to_yaml and
 * to_nice_yaml (sorted keys, PyYAML's indentation: sequences inside mappings
 * not indented, `-   key:` under indent 4, plain scalars when PyYAML would
 * write them plain, else single-quoted). Not reproduced: folding of plain
 * scalars longer than PyYAML's 80-column width.
 */
import { isPlainObject } from './python.js';

export interface DumpOptions {
  indent: number;
  /** None: flow style for collections of scalars only (to_yaml); false: block style everywhere (to_nice_yaml). */
  flow: boolean | null;
  sortKeys: boolean;
}

// What PyYAML's resolver would read as something other than a string.
const IMPLICIT =
  /^(?:~|null|Null|NULL|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?|=|<<)$/;

function isScalar(value: unknown): boolean {
  return value === null || value === undefined || typeof value !== 'object' || value instanceof String;
}

function plainAllowed(text: string, flow: boolean): boolean {
  if (text === '' || IMPLICIT.test(text)) return false;
  if (/^[\s]|[\s]$/.test(text) || /[\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(text) && !/^[-?:][^\s,[\]{}]/.test(text)) return false;
  if (/^[-?:]$/.test(text) || text.includes(': ') || text.includes(' #') || text.endsWith(':')) return false;
  if (flow && /[,[\]{}]/.test(text)) return false;
  if (/^(?:---|\.\.\.)/.test(text)) return false;
  return true;
}

function scalar(value: unknown, flow: boolean, indent: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  const text = String(value);
  if (plainAllowed(text, flow)) return text;
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) return JSON.stringify(text);
  // Single-quoted: quotes doubled, a line break written as an empty line, continuation indented.
  const lines = text.replace(/'/g, "''").split('\n');
  return `'${lines.map((line, i) => (i === 0 ? line : `${indent}${line}`)).join('\n\n')}'`;
}

function entries(value: Record<string, unknown>, sortKeys: boolean): [string, unknown][] {
  const list = Object.entries(value);
  return sortKeys ? list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : list;
}

function flowStyle(value: unknown, options: DumpOptions): boolean {
  if (options.flow === true) return true;
  if (options.flow === false) return false;
  const items = Array.isArray(value) ? value : Object.values(value as object);
  return items.every(isScalar);
}

function flowCollection(value: unknown, options: DumpOptions): string {
  if (Array.isArray(value)) return `[${value.map((item) => (isScalar(item) ? scalar(item, true, '') : flowCollection(item, options))).join(', ')}]`;
  const pairs = entries(value as Record<string, unknown>, options.sortKeys);
  return `{${pairs.map(([k, v]) => `${scalar(k, true, '')}: ${isScalar(v) ? scalar(v, true, '') : flowCollection(v, options)}`).join(', ')}}`;
}

function isEmpty(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : isPlainObject(value) && Object.keys(value).length === 0;
}

/** Lines of `value` as a block node whose content starts at column `column`. */
function block(value: unknown, column: number, options: DumpOptions): string[] {
  const pad = ' '.repeat(column);
  if (Array.isArray(value)) {
    const lines: string[] = [];
    for (const item of value) {
      const itemColumn = column + options.indent;
      const dash = `-${' '.repeat(options.indent - 1)}`;
      if (isScalar(item) || isEmpty(item) || flowStyle(item, options)) {
        lines.push(`${pad}- ${isScalar(item) ? scalar(item, false, ' '.repeat(itemColumn)) : flowCollection(item, options)}`);
        continue;
      }
      const inner = block(item, itemColumn, options);
      lines.push(`${pad}${dash}${inner[0].slice(itemColumn)}`, ...inner.slice(1));
    }
    return lines;
  }
  const lines: string[] = [];
  for (const [key, item] of entries(value as Record<string, unknown>, options.sortKeys)) {
    const head = `${pad}${scalar(key, false, pad)}:`;
    if (isScalar(item)) lines.push(`${head} ${scalar(item, false, ' '.repeat(column + options.indent))}`);
    else if (isEmpty(item) || flowStyle(item, options)) lines.push(`${head} ${flowCollection(item, options)}`);
    // PyYAML does not indent a sequence inside a mapping.
    else lines.push(head, ...block(item, Array.isArray(item) ? column : column + options.indent, options));
  }
  return lines;
}

export function dumpYaml(value: unknown, options: DumpOptions): string {
  if (isScalar(value)) {
    const text = scalar(value, false, ' '.repeat(options.indent));
    // A plain top-level scalar ends the document explicitly, as PyYAML does.
    return text === String(value ?? '') && !/^'/.test(text) && typeof value === 'string' ? `${text}\n...\n` : `${text}\n`;
  }
  if (isEmpty(value) || flowStyle(value, options)) return `${flowCollection(value, options)}\n`;
  return `${block(value, 0, options).join('\n')}\n`;
}
