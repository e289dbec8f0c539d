import assert from 'node:assert/strict';
import { Limiter } from '../../lib/util/limiter.js';

/** A job that runs until released, recording how many ran at once. */
function gate(limiter: Limiter, log: number[]) {
  let release!: () => void;
  const done = limiter.run(async () => {
    log.push(limiter.holders);
    await new Promise<void>((resolve) => (release = resolve));
  });
  return { done, release: () => release() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Limiter', () => {
  it('runs at most `limit` jobs at once, in order', async () => {
    const limiter = new Limiter(2);
    const seen: number[] = [];
    const jobs = [gate(limiter, seen), gate(limiter, seen), gate(limiter, seen)];
    await tick();
    assert.equal(limiter.holders, 2);
    assert.deepEqual(seen, [1, 2]);
    jobs[0].release();
    await tick();
    assert.deepEqual(seen, [1, 2, 2]);
    jobs[1].release();
    jobs[2].release();
    await Promise.all(jobs.map((job) => job.done));
    assert.equal(limiter.holders, 0);
  });

  it('once lowered, lets the holders over the new limit finish before the next starts', async () => {
    const limiter = new Limiter(3);
    const seen: number[] = [];
    const held = [gate(limiter, seen), gate(limiter, seen), gate(limiter, seen)];
    const waiting = gate(limiter, seen);
    await tick();
    limiter.lower(1);
    assert.equal(limiter.capacity, 1);
    held[0].release();
    await tick();
    held[1].release();
    await tick();
    assert.equal(seen.length, 3, 'the waiting job started while two others still ran');
    held[2].release();
    await tick();
    assert.deepEqual(seen, [1, 2, 3, 1]);
    waiting.release();
    await Promise.all([...held, waiting].map((job) => job.done));
    limiter.lower(0);
    assert.equal(limiter.capacity, 1, 'never below one');
  });
});
