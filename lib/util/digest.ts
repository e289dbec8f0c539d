import * as crypto from 'node:crypto';

/**
 * Node's one-shot digest (20.12 and later): a few hundred nanoseconds for a small file, where a
 * Hash object costs several microseconds. Every host checks the checksum of every file it is given.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: Buffer | string, encoding: 'hex') => string }).hash;

/** The SHA-256 of `data`, in hex. */
export function sha256Hex(data: Buffer | string): string {
  return oneShot ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

/**
 * Random bytes in hex, taken from a pool filled by the system's generator: one call to it costs
 * several microseconds in a VM, and every probe of every host wants a fresh boundary.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let used = 0;
export function randomHex(bytes: number): string {
  if (bytes > POOL_SIZE) return crypto.randomBytes(bytes).toString('hex');
  if (used + bytes > pool.length) {
    pool = crypto.randomBytes(POOL_SIZE);
    used = 0;
  }
  const hex = pool.toString('hex', used, used + bytes);
  // Each byte is handed out once.
  pool.fill(0, used, used + bytes);
  used += bytes;
  return hex;
}
