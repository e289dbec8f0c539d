import { InputError, didYouMean, type SourceLocation } from '../errors.js';
import type { Inventory, InventoryHost } from './types.js';
import { addImplicitLocalhost } from './load.js';
import { IMPLICIT_LOCALHOST } from './localhost.js';

/**
 * Ansible host patterns: `all` or `*`, host and group names, globs (`web*`), `~regex`,
 * lists separated by `,` or `:`, `!name` to exclude and `&name` to intersect.
 *
 * As in Ansible, terms are evaluated unions first, then intersections, then exclusions,
 * whatever order they were written in (`!db,all` = `all,!db`). The result keeps inventory order.
 * A term naming nothing in the inventory, or a pattern selecting no host, is an InputError:
 * a typo in `hosts:` must not silently run a play against nobody.
 */
export function selectHosts(inventory: Inventory, pattern: string, location?: SourceLocation): InventoryHost[] {
  const terms = splitPattern(pattern);
  if (terms.length === 0) throw new InputError(`empty host pattern '${pattern}'`, location);

  const unions = terms.filter((t) => !t.startsWith('!') && !t.startsWith('&'));
  const intersections = terms.filter((t) => t.startsWith('&')).map((t) => t.slice(1));
  const exclusions = terms.filter((t) => t.startsWith('!')).map((t) => t.slice(1));

  // `&web` or `!db` alone means "of all hosts".
  const selected = new Set<string>(unions.length ? [] : allHosts(inventory));
  for (const term of unions) for (const host of matchTerm(inventory, term, pattern, location)) selected.add(host);
  for (const term of intersections) {
    const keep = new Set(matchTerm(inventory, term, pattern, location));
    for (const host of selected) if (!keep.has(host)) selected.delete(host);
  }
  for (const term of exclusions) for (const host of matchTerm(inventory, term, pattern, location)) selected.delete(host);

  const hosts = [...inventory.hosts.values()].filter((h) => selected.has(h.name));
  if (hosts.length === 0) throw new InputError(`host pattern '${pattern}' matches no host`, location);
  return hosts;
}

/**
 * Splits on commas, and on colons except inside a `~regex` term or an IPv6 address
 * (a term with two or more colons and no comma is taken whole).
 */
function splitPattern(pattern: string): string[] {
  const terms: string[] = [];
  for (const part of pattern.split(',')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const colons = (trimmed.match(/:/g) ?? []).length;
    const isRegex = trimmed.replace(/^[!&]/, '').startsWith('~');
    const looksLikeIpv6 = colons >= 2 && /^[!&]?[0-9a-fA-F:.]+$/.test(trimmed);
    if (isRegex || looksLikeIpv6 || SUBSCRIPT.test(trimmed.replace(/^[!&]/, ''))) terms.push(trimmed); // `masters[1:]` keeps its colon
    else terms.push(...trimmed.split(':').map((t) => t.trim()).filter(Boolean));
  }
  return terms;
}

/** `masters[0]`, `masters[-1]`, `masters[1:]`, `masters[0:1]` (Ansible: the end is inclusive). */
const SUBSCRIPT = /^([^[\]~]+)\[(-?\d*)(?::(-?\d*))?\]$/;

/** Host names one term selects, in inventory order. */
function matchTerm(inventory: Inventory, term: string, pattern: string, location?: SourceLocation): string[] {
  if (term === 'all' || term === '*') return allHosts(inventory);
  const subscript = SUBSCRIPT.exec(term);
  const base = subscript?.[1];
  // Only a known group (or `all`) takes a subscript, and only when the term is not also a glob
  // naming hosts or groups: `web[12]` over hosts web1, web2 stays the glob it always was.
  const isSubscript = subscript && base && (base === 'all' || inventory.groups.has(base)) && !(subscript[3] === undefined && subscript[2] === '')
    && (subscript[3] !== undefined || !globMatchesAny(inventory, term));
  if (subscript && isSubscript) {
    const members = matchTerm(inventory, subscript[1], pattern, location);
    const index = (text: string) => {
      const n = Number(text);
      return n < 0 ? members.length + n : n;
    };
    if (subscript[3] === undefined) {
      const i = index(subscript[2]);
      return i >= 0 && i < members.length ? [members[i]] : [];
    }
    const start = subscript[2] === '' ? 0 : Math.max(0, index(subscript[2]));
    const end = subscript[3] === '' ? members.length - 1 : index(subscript[3]);
    return members.slice(start, end + 1);
  }
  const group = inventory.groups.get(term);
  if (group) return group;
  if (inventory.hosts.has(term)) return [term];
  if (IMPLICIT_LOCALHOST.includes(term)) {
    // Named exactly, as Ansible: the implicit localhost (globs and `all` never select it).
    addImplicitLocalhost(inventory, term);
    return [term];
  }

  const matcher = term.startsWith('~') ? regexOf(term.slice(1), pattern, location) : /[*?[]/.test(term) ? globToRegExp(term) : undefined;
  if (!matcher) {
    const known = [...inventory.groups.keys(), ...inventory.hosts.keys()];
    const where = term === pattern ? '' : ` in pattern '${pattern}'`;
    throw new InputError(`'${term}'${where} is neither a host nor a group of ${inventory.file}${didYouMean(term, known)}`, location);
  }
  const names = new Set<string>();
  for (const [name, members] of inventory.groups) if (matcher.test(name)) for (const host of members) names.add(host);
  for (const name of allHosts(inventory)) if (matcher.test(name)) names.add(name);
  return allHosts(inventory).filter((h) => names.has(h));
}

/** The inventory's own hosts (an implicit localhost a pattern added is not among them). */
function allHosts(inventory: Inventory): string[] {
  return inventory.groups.get('all') ?? [...inventory.hosts.keys()];
}

function globMatchesAny(inventory: Inventory, term: string): boolean {
  const glob = globToRegExp(term);
  return [...inventory.groups.keys(), ...inventory.hosts.keys()].some((name) => glob.test(name));
}

function regexOf(source: string, pattern: string, location?: SourceLocation): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new InputError(`invalid regular expression in host pattern '${pattern}': ${(error as Error).message}`, location);
  }
}

/** fnmatch-style: `*` any run, `?` one character, `[...]` a class. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) source += '\\[';
      else {
        const body = glob.slice(i + 1, close);
        source += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
        i = close;
      }
    } else source += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
