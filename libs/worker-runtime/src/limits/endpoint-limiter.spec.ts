import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { EndpointLimiter } from './endpoint-limiter.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof SwitchyardError ? error.code : String(error);
  }
}

describe('EndpointLimiter', () => {
  it('never runs more than the limit, and hands slots over in arrival order', async () => {
    const limiter = new EndpointLimiter({
      maxConcurrency: 2,
      queueSize: 10,
      queueTimeoutMs: 5_000,
    });
    const order: number[] = [];
    const slots = await Promise.all([limiter.acquire(), limiter.acquire()]);
    const queued = [3, 4, 5].map((n) => limiter.acquire().then((slot) => (order.push(n), slot)));
    await settle();
    expect(limiter.active).toBe(2);
    expect(limiter.waiting).toBe(3);

    slots[0]?.release();
    slots[0]?.release(); // a second release is ignored
    await settle();
    expect(order).toEqual([3]);
    expect(limiter.active).toBe(2);

    slots[1]?.release();
    (await queued[0])?.release();
    await Promise.all(queued.slice(1));
    expect(order).toEqual([3, 4, 5]);
    expect(limiter.peakConcurrency).toBe(2);
  });

  it('fails at once with a retryable overloaded when the queue is full', async () => {
    const limiter = new EndpointLimiter({ maxConcurrency: 1, queueSize: 1, queueTimeoutMs: 5_000 });
    const slot = await limiter.acquire();
    const waiting = limiter.acquire();
    const refused = limiter.acquire();
    await expect(refused).rejects.toMatchObject({ code: 'overloaded', retryable: true });
    expect(limiter.waiting).toBe(1);
    slot.release();
    (await waiting).release();
    expect(limiter.active).toBe(0);
  });

  it('fails a request that waits longer than the queue timeout', async () => {
    const limiter = new EndpointLimiter({ maxConcurrency: 1, queueSize: 5, queueTimeoutMs: 30 });
    await limiter.acquire();
    const started = Date.now();
    expect(await codeOf(limiter.acquire())).toBe('overloaded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(limiter.waiting).toBe(0);
  });

  it('lets a caller give up while it waits, freeing its queue place', async () => {
    const limiter = new EndpointLimiter({ maxConcurrency: 1, queueSize: 1, queueTimeoutMs: 5_000 });
    const slot = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new SwitchyardError('cancelled', 'client left'));
    expect(await codeOf(waiting)).toBe('cancelled');
    expect(limiter.waiting).toBe(0);
    slot.release();
    expect(limiter.active).toBe(0);
    expect(await codeOf(limiter.acquire(AbortSignal.abort()))).toBe('cancelled');
  });
});
