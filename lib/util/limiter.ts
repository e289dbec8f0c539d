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
