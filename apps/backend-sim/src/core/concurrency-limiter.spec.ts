import { describe, expect, it } from '@jest/globals';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { QueueFullError, RequestAbortedError } from './sim-errors.js';

describe('ConcurrencyLimiter', () => {
  it('runs at most N at once, queues up to the bound in order, and refuses the next', async () => {
    const limiter = new ConcurrencyLimiter('m', 2, 1);
    const signal = new AbortController().signal;
    const first = await limiter.acquire(signal);
    await limiter.acquire(signal);
    let thirdRan = false;
    const third = limiter.acquire(signal).then((release) => {
      thirdRan = true;
      return release;
    });
    await expect(limiter.acquire(signal)).rejects.toBeInstanceOf(QueueFullError);
    expect([limiter.active, limiter.waiting, thirdRan]).toEqual([2, 1, false]);
    first();
    first(); // releasing twice must not free a second slot
    const releaseThird = await third;
    expect(limiter.active).toBe(2);
    releaseThird();
    expect([limiter.active, limiter.waiting, limiter.maxActive, thirdRan]).toEqual([1, 0, 2, true]);
  });

  it('drops a waiter whose client went away', async () => {
    const limiter = new ConcurrencyLimiter('m', 1, 5);
    await limiter.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    expect(limiter.waiting).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(RequestAbortedError);
    expect(limiter.waiting).toBe(0);
  });
});
