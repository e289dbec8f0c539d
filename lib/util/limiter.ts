/** A counting semaphore: at most `limit` holders at once, the rest wait in order. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private limit: number) {}

  /** How many hold a slot now. */
  get holders(): number {
    return this.active;
  }

  get capacity(): number {
    return this.limit;
  }

  /** Fewer holders at once from now on (never fewer than one); those over the new limit finish first. */
  lower(limit: number): void {
    this.limit = Math.max(1, Math.min(this.limit, limit));
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await job();
    } finally {
      // The slot passes to the next in line, unless the limit was lowered below the holders.
      const next = this.active <= this.limit ? this.waiting.shift() : undefined;
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * A counting semaphore shared by the threads of one run: one Int32 counter in a
 * SharedArrayBuffer, taken with compare-and-swap, waited on with
 * Atomics.waitAsync (no thread blocks). Not FIFO across threads; a slot is never lost.
 */
const WAIT_RECHECK_MS = 250;

export class SharedLimiter {
  constructor(
    private readonly counters: Int32Array,
    private readonly index: number,
    private readonly limit: number,
  ) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await job();
    } finally {
      Atomics.sub(this.counters, this.index, 1);
      Atomics.notify(this.counters, this.index, 1);
    }
  }

  private async acquire(): Promise<void> {
    for (;;) {
      const held = Atomics.load(this.counters, this.index);
      if (held < this.limit) {
        if (Atomics.compareExchange(this.counters, this.index, held, held + 1) === held) return;
        continue;
      }
      // The timeout re-checks now and then, so a wake-up that never comes costs a retry, not a hang.
      const wait = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.counters, this.index, held, WAIT_RECHECK_MS);
      if (!wait.async) continue;
      // A pending waitAsync does not keep the thread's event loop alive: this timer does.
      const alive = setInterval(() => undefined, WAIT_RECHECK_MS);
      try {
        await wait.value;
      } finally {
        clearInterval(alive);
      }
    }
  }
}

/** Node 20 has Atomics.waitAsync; TypeScript's lib declares it from es2024 on. */
interface AtomicsWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs?: number): { async: false; value: string } | { async: true; value: Promise<string> };
}
