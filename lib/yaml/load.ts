import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { InputError, type SourceLocation } from '../errors.js';
import { isVaultText } from '../vault/envelope.js';
import { markSecret, markSecretNode } from '../vault/redact.js';
import { decryptVaultText, LockedVaultValue, rememberVaultText, VaultDecryptError } from '../vault/secrets.js';
import { UnsafeText } from './unsafe.js';

/**
 * YAML loading that remembers where things were written, so errors about user input can
 * point at file:line:column.
 *
 * Locations live in module-level WeakMaps keyed by the parsed mapping/sequence objects:
 * any code holding a parsed object can ask `locationOf(obj, key)` without threading a
 * document handle around. Scalars cannot be WeakMap keys, so their positions (and their
 * source text, see `sourceTextOf`) are recorded on the containing collection, per key.
 */

/**
 * js-yaml 4 reads YAML 1.2, where `yes`/`no`/`on`/`off` are strings. Ansible users write
 * `become: yes` and `enabled: no` everywhere (PyYAML is YAML 1.1), and a var `flag: no`
 * read as the string 'no' would be truthy in `when: flag`. So those words are booleans
 * here, as in Ansible. Integers stay YAML 1.2 (`0644` is 644, `0o644` is 420): see
 * normaliseMode in lib/playbook/args.ts for why that suits file modes.
 */
const YAML11_BOOLEANS: Record<string, boolean> = {};
for (const word of ['true', 'yes', 'on']) for (const spelling of [word, word.toUpperCase(), word[0].toUpperCase() + word.slice(1)]) YAML11_BOOLEANS[spelling] = true;
for (const word of ['false', 'no', 'off']) for (const spelling of [word, word.toUpperCase(), word[0].toUpperCase() + word.slice(1)]) YAML11_BOOLEANS[spelling] = false;

const ansibleBool = new yaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && data in YAML11_BOOLEANS,
  construct: (data: string) => YAML11_BOOLEANS[data],
  predicate: (value: unknown) => typeof value === 'boolean',
  represent: (value: object) => (value.valueOf() ? 'true' : 'false'),
});

/** `!unsafe 'text'`: a string Ansible never templates (see UnsafeText). */
const unsafeString = new yaml.Type('!unsafe', {
  kind: 'scalar',
  construct: (data: string | null) => new UnsafeText(data ?? ''),
  instanceOf: UnsafeText,
  represent: (value: object) => String(value),
});

/** An inline `!vault |` scalar as loaded, decrypted (or locked) once its location is known. */
class InlineVault {
  constructor(readonly text: string) {}
}

const vaultTag = new yaml.Type('!vault', { kind: 'scalar', construct: (data: string | null) => new InlineVault(data ?? '') });

const SCHEMA = yaml.DEFAULT_SCHEMA.extend({ implicit: [ansibleBool], explicit: [vaultTag, unsafeString] });

interface EntryInfo {
  keyLocation?: SourceLocation; // mappings only
  valueLocation: SourceLocation;
  valueText: string; // the value exactly as written (for scalars: `0644`, `0o644`, `"yes"`)
}

const nodeLocations = new WeakMap<object, SourceLocation>();
const entryInfos = new WeakMap<object, Map<string | number, EntryInfo>>();

/** Where a mapping/sequence starts; with a key, where that key (or sequence item) is written. */
export function locationOf(node: unknown, key?: string | number): SourceLocation | undefined {
  if (!isObject(node)) return undefined;
  if (key !== undefined) {
    const entry = entryInfos.get(node)?.get(key);
    if (entry) return entry.keyLocation ?? entry.valueLocation;
  }
  return nodeLocations.get(node);
}

/** Where the value under `key` starts (falls back to the key, then the node). */
export function valueLocationOf(node: unknown, key: string | number): SourceLocation | undefined {
  if (!isObject(node)) return undefined;
  return entryInfos.get(node)?.get(key)?.valueLocation ?? locationOf(node, key);
}

/** The source text of the value under `key`, as written (undefined for data not from YAML). */
export function sourceTextOf(node: unknown, key: string | number): string | undefined {
  if (!isObject(node)) return undefined;
  return entryInfos.get(node)?.get(key)?.valueText;
}

/** Copies the location of one node to another (for data rebuilt from parsed YAML). */
export function copyLocation(from: unknown, to: object): void {
  const location = isObject(from) ? nodeLocations.get(from) : undefined;
  if (location && !nodeLocations.has(to)) nodeLocations.set(to, location);
}

export function loadYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(error);
    throw new InputError(`cannot read ${file}: ${reason}`);
  }
  if (isVaultText(text)) {
    // A whole encrypted file (ansible-vault encrypt): decrypted in memory only, every value in it secret.
    let plaintext: string;
    try {
      plaintext = decryptVaultText(text).toString('utf8');
    } catch (error) {
      if (error instanceof VaultDecryptError) throw new InputError(`cannot decrypt ${file}: ${error.message}`, { file, line: 1, column: 1 });
      throw error;
    }
    return markSecret(parseYaml(plaintext, file));
  }
  return parseYaml(text, file);
}

export function parseYaml(text: string, file: string): unknown {
  // js-yaml drops a BOM itself, which would shift every offset we record by one.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const recorder = new LocationRecorder(source, file);
  try {
    const data = yaml.load(source, { filename: file, schema: SCHEMA, listener: recorder.listener });
    checkExpandedSize(data, file);
    return source.includes('!vault') ? openInlineVaults(data) : data;
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const mark = error.mark;
      const location = mark ? { file, line: mark.line + 1, column: mark.column + 1 } : undefined;
      throw new InputError(`invalid YAML: ${error.reason}`, location);
    }
    throw error;
  }
}

/** Values a document may hold once its aliases are expanded: far above any real playbook. */
export const MAX_EXPANDED_VALUES = 1_000_000;

/**
 * js-yaml shares an aliased node instead of copying it, so a "billion laughs" document loads
 * small and explodes later (templating, to_json). Count the values it holds with every alias
 * expanded, in time linear in the document, and refuse it past the limit.
 */
function checkExpandedSize(root: unknown, file: string): void {
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  const size = (value: unknown): number => {
    if (typeof value === 'string') return 1 + Math.floor(value.length / 64);
    if (value === null || typeof value !== 'object') return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    if (open.has(value)) throw new InputError('invalid YAML: an alias refers to a node that contains it', { file, line: 1, column: 1 });
    open.add(value);
    let total = 1;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      total += size(child);
      if (total > MAX_EXPANDED_VALUES) break;
    }
    open.delete(value);
    sizes.set(value, total);
    return total;
  };
  const total = size(root);
  if (total > MAX_EXPANDED_VALUES) {
    throw new InputError(`invalid YAML: aliases expand to more than ${MAX_EXPANDED_VALUES.toLocaleString('en')} values (an alias bomb?)`, { file, line: 1, column: 1 });
  }
}

/**
 * Replaces every inline vault value by its plaintext (a secret), or by a LockedVaultValue when no
 * password given opens it: as in Ansible, that is an error only where the value is used.
 * Mappings and lists holding vault values are marked secret too, so a task reading them is.
 */
function openInlineVaults(data: unknown): unknown {
  if (data instanceof InlineVault) return openOne(data, undefined);
  const visit = (node: object): boolean => {
    let holdsSecret = false;
    for (const [key, value] of Object.entries(node)) {
      const index = Array.isArray(node) ? Number(key) : key;
      if (value instanceof InlineVault) {
        (node as Record<string, unknown>)[key] = openOne(value, valueLocationOf(node, index));
        holdsSecret = true;
      } else if (typeof value === 'object' && value !== null && visit(value)) {
        holdsSecret = true;
      }
    }
    if (holdsSecret) markSecretNode(node);
    return holdsSecret;
  };
  if (typeof data === 'object' && data !== null) visit(data);
  return data;
}

function openOne(value: InlineVault, location: SourceLocation | undefined): unknown {
  try {
    const plaintext = decryptVaultText(value.text).toString('utf8');
    rememberVaultText(plaintext, value.text);
    return markSecret(plaintext);
  } catch (error) {
    if (error instanceof VaultDecryptError) return new LockedVaultValue(value.text, error.message, location);
    throw error;
  }
}

interface OpenFrame {
  start: number;
  children: ClosedNode[];
}

interface ClosedNode {
  start: number; // offset of the node's first character
  end: number;
  result: unknown;
}

/** Listener state: js-yaml reports open/close of every node, nested like a call stack. */
class LocationRecorder {
  private readonly stack: OpenFrame[] = [];
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly source: string,
    private readonly file: string,
  ) {
    for (let i = 0; i < source.length; i++) if (source[i] === '\n') this.lineStarts.push(i + 1);
  }

  readonly listener = (event: 'open' | 'close', state: { position: number; kind: string | null; result: unknown }) => {
    if (event === 'open') {
      this.stack.push({ start: state.position, children: [] });
      return;
    }
    const frame = this.stack.pop();
    if (!frame) return;
    // 'open' fires before leading whitespace, comments and line breaks are skipped.
    const node: ClosedNode = { start: this.skipBlank(frame.start, state.position), end: state.position, result: state.result };
    this.stack.at(-1)?.children.push(node);
    // Aliases close with kind null and the anchored object: keep the anchor's location.
    if ((state.kind === 'mapping' || state.kind === 'sequence') && isObject(state.result) && !nodeLocations.has(state.result)) {
      nodeLocations.set(state.result, this.location(node.start));
      entryInfos.set(state.result, state.kind === 'mapping' ? this.mappingEntries(frame.children) : this.sequenceEntries(frame.children));
    }
  };

  private mappingEntries(children: ClosedNode[]): Map<string | number, EntryInfo> {
    const entries = new Map<string | number, EntryInfo>();
    for (let i = 0; i < children.length; i++) {
      const key = children[i];
      // A key is the node directly followed by ':'; explicit `? key` forms lose key locations.
      if (!this.followedByColon(key.end)) continue;
      const value = children[i + 1];
      const hasValue = value !== undefined && !this.followedByColon(value.end);
      const name = typeof key.result === 'number' ? key.result : String(key.result);
      const valueText = hasValue ? this.source.slice(value.start, value.end).trimEnd() : '';
      entries.set(name, {
        keyLocation: this.location(key.start),
        // An empty value "starts" at whatever follows it: point at the key instead.
        valueLocation: this.location(valueText ? value.start : key.start),
        valueText,
      });
      if (hasValue) i++;
    }
    return entries;
  }

  private sequenceEntries(children: ClosedNode[]): Map<string | number, EntryInfo> {
    const entries = new Map<string | number, EntryInfo>();
    children.forEach((item, index) => {
      entries.set(index, { valueLocation: this.location(item.start), valueText: this.source.slice(item.start, item.end).trimEnd() });
    });
    return entries;
  }

  private followedByColon(offset: number): boolean {
    let i = offset;
    while (this.source[i] === ' ' || this.source[i] === '\t') i++;
    return this.source[i] === ':';
  }

  private skipBlank(from: number, limit: number): number {
    let i = from;
    while (i < limit) {
      const ch = this.source[i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') i++;
      else if (ch === '#') while (i < limit && this.source[i] !== '\n') i++;
      else break;
    }
    return i;
  }

  private location(offset: number): SourceLocation {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { file: this.file, line: low + 1, column: offset - this.lineStarts[low] + 1 };
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
