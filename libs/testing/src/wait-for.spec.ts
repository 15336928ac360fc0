import { describe, expect, it } from '@jest/globals';
import { waitFor, WaitTimeoutError } from './wait-for.js';

describe('waitFor', () => {
  it('resolves once the predicate holds', async () => {
    let calls = 0;
    await waitFor(() => ++calls >= 3, { intervalMs: 1 });
    expect(calls).toBe(3);
  });

  it('times out naming what it waited for, with the last error as cause', async () => {
    const failure = new Error('not yet');
    const attempt = waitFor(
      () => {
        throw failure;
      },
      { timeoutMs: 30, intervalMs: 5, description: 'the moon' },
    );
    await expect(attempt).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(attempt).rejects.toThrow('timed out after 30 ms waiting for the moon');
    await attempt.catch((error: Error) => expect(error.cause).toBe(failure));
  });

  it('times out on time even when a check never settles', async () => {
    const started = Date.now();
    const attempt = waitFor(() => new Promise<boolean>(() => undefined), {
      timeoutMs: 50,
      description: 'a stuck check',
    });
    await expect(attempt).rejects.toThrow('timed out after 50 ms waiting for a stuck check');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
