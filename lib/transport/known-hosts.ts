import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
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

/**
 * What known_hosts says about one host: its keys, the keys marked `@revoked` (refused for
 * every host, even with --accept-new-host-keys, as OpenSSH does), and the `@cert-authority`
 * keys trusted to sign its host certificates (see host-certificate.ts). Host patterns are
 * OpenSSH's: comma lists of names with `*` and `?`, where a matching `!pattern` excludes the line.
 */
export function knownHostsFor(file: string, name: string): KnownHostEntries {
  const keys: KnownKey[] = [];
  const revoked: KnownKey[] = [];
  const certAuthorities: KnownKey[] = [];
  if (!existsSync(file)) return { keys, revoked, certAuthorities };
  for (const [index, line] of readFileSync(file, 'utf8').split('\n').entries()) {
    let fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields[0].startsWith('#')) continue;
    const marker = fields[0].startsWith('@') ? fields[0] : undefined;
    if (marker) fields = fields.slice(1);
    if (fields.length < 3) continue;
    const [hosts, type, blob] = fields;
    const entry = { type, blob, line: index + 1 };
    if (marker === '@revoked') revoked.push(entry);
    else if (marker === '@cert-authority' && hostListMatches(hosts, name)) certAuthorities.push(entry);
    else if (marker === undefined && hostListMatches(hosts, name)) keys.push(entry);
  }
  return { keys, revoked, certAuthorities };
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

export function recordKnownKey(file: string, name: string, key: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${name} ${keyType(key)} ${key.toString('base64')}\n`, { mode: 0o600 });
}

/** The algorithm name is the first string of an SSH public key blob. */
export function keyType(blob: Buffer): string {
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('ascii');
}
