import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KnownKey {
  type: string; // ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa ...
  blob: string; // base64
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
  if (!existsSync(file)) return [];
  const keys: KnownKey[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields[0].startsWith('#') || fields[0].startsWith('@')) continue;
    const [hosts, type, blob] = fields;
    if (hosts.split(',').some((pattern) => hostMatches(pattern, name))) keys.push({ type, blob });
  }
  return keys;
}

function hostMatches(pattern: string, name: string): boolean {
  if (!pattern.startsWith('|1|')) return pattern === name;
  const [, , salt, hash] = pattern.split('|');
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
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
