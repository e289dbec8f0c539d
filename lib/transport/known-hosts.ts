import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KnownKey {
  type: string; // ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa ...
  blob: string; // base64
  /** Its line in the known_hosts file (1-based). */
  line?: number;
}

/** The name OpenSSH records a host under: `addr`, or `[addr]:port` off port 22. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Read known_hosts entries for one host, hashed (`|1|salt|hmac`) entries included. */
export function knownKeysFor(file: string, name: string): KnownKey[] {
  return knownHostsFor(file, name).keys;
}

/** What known_hosts says about one host. */
export interface KnownHostEntries {
  keys: KnownKey[];
  /** Keys marked `@revoked`, whatever their host pattern. */
  revoked: KnownKey[];
  /** Keys of the `@cert-authority` lines that match the host. */
  certAuthorities: KnownKey[];
}

/** One key line of a known_hosts file, host patterns unmatched yet. */
interface KnownHostsLine extends KnownKey {
  marker?: string;
  hosts: string;
}

/** A known_hosts file parsed once: plain names indexed, the rest (hashed, wildcards, negations) matched line by line. */
interface ParsedKnownHosts {
  /** Which version of the file this is (inode, size, change and modification times). */
  version: string;
  /** Lines whose host list is plain names only, by lowercased name. */
  byName: Map<string, KnownHostsLine[]>;
  /** Lines with a hashed name, a wildcard or a negation anywhere in their host list. */
  patterned: KnownHostsLine[];
  revoked: KnownKey[];
  /** What was asked already, by host name. */
  answers: Map<string, KnownHostEntries>;
}

const NO_ENTRIES: KnownHostEntries = Object.freeze({ keys: [], revoked: [], certAuthorities: [] });
/** Parsed known_hosts files of this process (a thread has its own), by path. */
const parsedFiles = new Map<string, ParsedKnownHosts>();

/**
 * What known_hosts says about one host: its keys, the keys marked `@revoked` (refused for
 * every host, even with --accept-new-host-keys, as OpenSSH does), and the `@cert-authority`
 * keys trusted to sign its host certificates (see host-certificate.ts). Host patterns are
 * OpenSSH's: comma lists of names with `*` and `?`, where a matching `!pattern` excludes the line.
 *
 * The file is read and parsed once per version (a stat per call sees any change: another thread
 * recording a key, an edit during the run), and each host's answer is kept with it: a fleet's
 * connections would otherwise each read and match the whole file. The answer is shared: read only.
 */
export function knownHostsFor(file: string, name: string): KnownHostEntries {
  const parsed = parsedKnownHosts(file);
  if (!parsed) return NO_ENTRIES;
  let answer = parsed.answers.get(name);
  if (!answer) {
    const matching = [...(parsed.byName.get(name.toLowerCase()) ?? []), ...parsed.patterned.filter((entry) => entry.marker !== '@revoked' && hostListMatches(entry.hosts, name))];
    // In file order, as a scan of the file finds them.
    matching.sort((a, b) => a.line! - b.line!);
    const keys = matching.filter((entry) => entry.marker === undefined).map(plainEntry);
    const certAuthorities = matching.filter((entry) => entry.marker === '@cert-authority').map(plainEntry);
    answer = Object.freeze({ keys, revoked: parsed.revoked, certAuthorities });
    parsed.answers.set(name, answer);
  }
  return answer;
}

function plainEntry({ type, blob, line }: KnownHostsLine): KnownKey {
  return { type, blob, line };
}

/** The file as it is now, parsed (from the cache when unchanged); undefined when there is none. */
function parsedKnownHosts(file: string): ParsedKnownHosts | undefined {
  const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
  if (!stat) {
    parsedFiles.delete(file);
    return undefined;
  }
  // Nanosecond times and the size: an append or an edit gives another version.
  const version = `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  const cached = parsedFiles.get(file);
  if (cached?.version === version) return cached;
  const parsed = parseKnownHosts(readFileSync(file, 'utf8'), version);
  parsedFiles.set(file, parsed);
  return parsed;
}

/** Parses the text of a known_hosts file. */
function parseKnownHosts(text: string, version = ''): ParsedKnownHosts {
  const parsed: ParsedKnownHosts = { version, byName: new Map(), patterned: [], revoked: [], answers: new Map() };
  for (const [index, line] of text.split('\n').entries()) {
    let fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields[0].startsWith('#')) continue;
    const marker = fields[0].startsWith('@') ? fields[0] : undefined;
    if (marker) fields = fields.slice(1);
    if (fields.length < 3) continue;
    const [hosts, type, blob] = fields;
    const entry: KnownHostsLine = { marker, hosts, type, blob, line: index + 1 };
    if (marker === '@revoked') {
      parsed.revoked.push(plainEntry(entry));
      continue;
    }
    // Another marker is no key of the host (nor is it one with OpenSSH).
    if (marker !== undefined && marker !== '@cert-authority') continue;
    const patterns = hosts.split(',');
    if (patterns.some((pattern) => /^[|!]|[*?]/.test(pattern))) {
      parsed.patterned.push(entry);
      continue;
    }
    for (const pattern of new Set(patterns.map((p) => p.toLowerCase()))) {
      const lines = parsed.byName.get(pattern);
      if (lines) lines.push(entry);
      else parsed.byName.set(pattern, [entry]);
    }
  }
  return parsed;
}

/** OpenSSH's host list: some positive pattern matches and no negated one does. */
export function hostListMatches(list: string, name: string): boolean {
  let matched = false;
  for (const pattern of list.split(',')) {
    if (pattern.startsWith('!')) {
      if (hostMatches(pattern.slice(1), name)) return false;
    } else if (hostMatches(pattern, name)) matched = true;
  }
  return matched;
}

function hostMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === name.toLowerCase();
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(name);
}

/**
 * Appends a host's key (--accept-new-host-keys), once: many inventory aliases of one sshd meet
 * its new key at once. The next lookup sees the file's new version.
 */
export function recordKnownKey(file: string, name: string, key: Buffer): void {
  const blob = key.toString('base64');
  if (knownHostsFor(file, name).keys.some((known) => known.blob === blob)) return;
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${name} ${keyType(key)} ${blob}\n`, { mode: 0o600 });
  parsedFiles.delete(file);
}

/** The algorithm name is the first string of an SSH public key blob. */
export function keyType(blob: Buffer): string {
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('ascii');
}
