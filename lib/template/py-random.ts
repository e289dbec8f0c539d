/**
 * Python's `random.Random` as Ansible's `random` and `shuffle` filters use it: with a seed, the
 * same numbers as Python (a cron minute spread by `59 | random(seed=inventory_hostname)` must be
 * the minute Ansible picks, or a switch of tools moves every job); without one, the controller's
 * CSPRNG, as Ansible's SystemRandom.
 *
 * The generator is MT19937 seeded by init_by_array (CPython's _randommodule.c), and the methods
 * are CPython 3.11's random.py: randrange, choice and shuffle through _randbelow_with_getrandbits.
 */
import { createHash, randomInt } from 'node:crypto';

const N = 624;
const M = 397;

/** A number source with Python's `_randbelow(n)`: uniform in [0, n). */
export interface BelowSource {
  below(n: number): number;
}

/** The controller's CSPRNG, for filters given no seed. */
export const systemRandom: BelowSource = {
  below(n: number): number {
    // randomInt's range is below 2**48: beyond it, two draws make the 96 bits a rejection needs.
    if (n <= 2 ** 48) return randomInt(n);
    const bits = BigInt(n.toString(2).length);
    for (;;) {
      const r = ((BigInt(randomInt(2 ** 48)) << 48n) | BigInt(randomInt(2 ** 48))) & ((1n << bits) - 1n);
      if (r < BigInt(n)) return Number(r);
    }
  },
};

export class PyRandom implements BelowSource {
  private readonly state = new Uint32Array(N);
  private index = N;

  /** `random.Random(seed)`: an int (its absolute value), or a text (its UTF-8 bytes and their SHA-512, as Python's version 2 seeding). */
  constructor(seed: number | bigint | string) {
    this.initByArray(seedWords(seed));
  }

  private initGenrand(seed: number): void {
    const mt = this.state;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) mt[i] = (Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i) >>> 0;
    this.index = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.state;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = ((mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      mt[i] = ((mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private next32(): number {
    const mt = this.state;
    if (this.index >= N) {
      for (let kk = 0; kk < N; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[(kk + 1) % N] & 0x7fffffff);
        mt[kk] = mt[(kk + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `getrandbits(k)`: 32-bit words, least significant first, the last one cut to what is left. */
  private bits(k: number): bigint {
    let result = 0n;
    for (let shift = 0n; k > 0; k -= 32, shift += 32n) {
      const word = k < 32 ? this.next32() >>> (32 - k) : this.next32();
      result |= BigInt(word) << shift;
    }
    return result;
  }

  below(n: number): number {
    const k = n.toString(2).length;
    if (k <= 32) {
      for (;;) {
        const r = this.next32() >>> (32 - k);
        if (r < n) return r;
      }
    }
    for (;;) {
      const r = this.bits(k);
      if (r < BigInt(n)) return Number(r);
    }
  }
}

function seedWords(seed: number | bigint | string): number[] {
  let value: bigint;
  if (typeof seed === 'string') {
    const bytes = Buffer.from(seed, 'utf8');
    const whole = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
    value = BigInt(`0x${whole.toString('hex')}`);
  } else {
    value = BigInt(seed);
    if (value < 0n) value = -value;
  }
  const words: number[] = [];
  for (; value > 0n; value >>= 32n) words.push(Number(value & 0xffffffffn));
  return words.length > 0 ? words : [0];
}

/** `randrange(start, stop, step)` as Python 3.11, with its errors. */
export function randrange(source: BelowSource, start: number, stop: number, step: number): number {
  const width = stop - start;
  if (step === 1) {
    if (width > 0) return start + source.below(width);
    throw new Error(`empty range for randrange() (${start}, ${stop}, ${width})`);
  }
  let n: number;
  if (step > 0) n = Math.floor((width + step - 1) / step);
  else if (step < 0) n = Math.floor((width + step + 1) / step);
  else throw new Error('zero step for randrange()');
  if (n <= 0) throw new Error('empty range for randrange()');
  return start + step * source.below(n);
}

/** `choice(items)`. */
export function choice<T>(source: BelowSource, items: ArrayLike<T>): T {
  if (items.length === 0) throw new Error('Cannot choose from an empty sequence');
  return items[source.below(items.length)];
}

/** `shuffle(items)`, in place. */
export function shuffleInPlace<T>(source: BelowSource, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = source.below(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
