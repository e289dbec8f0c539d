/**
 * Host entries of an inventory, as Ansible's file inventory plugins read them
 * (plugins/inventory/__init__.py `_expand_hostpattern`, parsing/utils/addresses.py):
 * an optional `:port`, and ranges `web[01:20]`, `db-[a:c]`, `[0:20:5]` (inclusive, zero-padded
 * when written so, several per name).
 */

const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
/** A label of letters and digits of any script (Ansible's hostname pattern), or of ASCII ones only. */
const label = (letterOrDigit: string) => String.raw`(?:[${letterOrDigit}_]|${ALNUM_RANGE})(?:[${letterOrDigit}_-]|${ALNUM_RANGE})*(?<![_-])`;
const hostnamePattern = (letterOrDigit: string) => String.raw`^${label(letterOrDigit)}(?:\.${label(letterOrDigit)})*$`;
/**
 * For a name of ASCII characters only, the ASCII pattern decides exactly as the Unicode one (there
 * \p{L} and \p{N} are [a-z] and [0-9], whatever the case): V8 compiles the Unicode classes with /i
 * in ~3 ms of CPU, paid by every start that reads an inventory, so that one is made only for a name
 * that needs it. A unit test compares the two on random ASCII names.
 */
const ASCII_HOSTNAME = new RegExp(hostnamePattern('a-z0-9'), 'i');
const ASCII_ONLY = /^[\x00-\x7f]*$/;
let unicodeHostname: RegExp | undefined;

/** Whether `host` is a host name as Ansible's pattern has it; `unicode`: by the Unicode pattern whatever the name (tests). */
export function isHostname(host: string, unicode = false): boolean {
  if (!unicode && ASCII_ONLY.test(host)) return ASCII_HOSTNAME.test(host);
  unicodeHostname ??= new RegExp(hostnamePattern(String.raw`\p{L}\p{N}`), 'iu');
  return unicodeHostname.test(host);
}
const IPV4_PART = String.raw`(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|\[[0-9]+:[0-9]+(?::[0-9]+)?\])`;
const IPV4 = new RegExp(String.raw`^(?:${IPV4_PART}\.){3}${IPV4_PART}$`);
const IPV6_LOOSE = /^[0-9a-f:.]*:[0-9a-f:.]*:[0-9a-f:.]*$/i;
const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;

export class HostPatternError extends Error {}

/** The host names an inventory entry stands for, and the port it names, if any. */
export function expandHostPattern(pattern: string): { hosts: string[]; port?: number } {
  const parsed = parseAddress(pattern);
  const name = parsed?.host ?? pattern;
  const hosts = name.includes('[') ? expandRanges(name) : [name];
  return parsed?.port !== undefined ? { hosts, port: parsed.port } : { hosts };
}

/** Ansible's parse_address with ranges allowed; undefined when it is not a host identifier (then the text is the name). */
function parseAddress(address: string): { host: string; port?: number } | undefined {
  let host = address;
  let port: number | undefined;
  for (const pattern of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const match = pattern.exec(host);
    if (match) {
      host = match[1];
      port = Number(match[2]);
    }
  }
  if (IPV4.test(host) || IPV6_LOOSE.test(host) || isHostname(host)) return port === undefined ? { host } : { host, port };
  return undefined;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** expand_hostname_range: the first [begin:end(:step)] expanded, then the rest of the name again. */
export function expandRanges(name: string): string[] {
  const open = name.indexOf('[');
  const close = name.indexOf(']', open);
  if (open === -1) return [name];
  if (close === -1) throw new HostPatternError(`host range in '${name}' has no closing ']'`);
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new HostPatternError(`host range '${name}' must be [begin:end] or [begin:end:step]`);
  const begin = bounds[0] || '0';
  const end = bounds[1];
  const stepText = bounds[2] ?? '1';
  if (!end) throw new HostPatternError(`host range '${name}' must give an end value`);
  if (!/^[0-9]+$/.test(stepText) || Number(stepText) < 1) throw new HostPatternError(`host range step in '${name}' must be a positive number`);
  const step = Number(stepText);
  let width = 0;
  if (begin[0] === '0' && begin.length > 1) {
    if (begin.length !== end.length) throw new HostPatternError(`host range '${name}' must give begin and end with the same number of digits`);
    width = begin.length;
  }
  const values: string[] = [];
  const first = LETTERS.indexOf(begin);
  const last = LETTERS.indexOf(end);
  if (begin.length === 1 && end.length === 1 && first !== -1 && last !== -1) {
    if (first > last) throw new HostPatternError(`host range '${name}' must have begin <= end`);
    for (let i = first; i <= last; i += step) values.push(LETTERS[i]);
  } else {
    if (!/^[0-9]+$/.test(begin) || !/^[0-9]+$/.test(end)) throw new HostPatternError(`host range '${name}' must be numbers or single letters`);
    for (let i = Number(begin); i <= Number(end); i += step) values.push(width ? String(i).padStart(width, '0') : String(i));
  }
  return values.flatMap((value) => expandRanges(`${head}${value}${tail}`));
}
