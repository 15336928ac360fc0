import { describe, expect, it } from '@jest/globals';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { backoffDelay, sleepUnlessAborted } from './backoff.js';

describe('backoff', () => {
  const policy = { initialMs: 100, maxMs: 1_000 };

  it('doubles per retry up to the cap, jittered within the upper half', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
  });

  it('stops sleeping as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const sleeping = sleepUnlessAborted(10_000, controller.signal);
    setTimeout(() => controller.abort(new Error('gone')), 10);
    await expect(sleeping).rejects.toThrow('gone');
    expect(performance.now() - started).toBeLessThan(1_000 + SCHEDULING_SLACK_MS);
  });
});
