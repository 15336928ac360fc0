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

  it('keeps the last settled error when the deadline cuts a check off', async () => {
    const failure = new Error('ps listed nothing');
    let calls = 0;
    const attempt = waitFor(
      () => {
        calls += 1;
        if (calls === 1) throw failure;
        return new Promise<boolean>(() => undefined);
      },
      { timeoutMs: 50, intervalMs: 1, description: 'the listing' },
    );
    const error = await attempt.catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const cause = (error as Error).cause as Error;
    expect(cause.message).toBe('the check of the listing did not settle');
    expect(cause.cause).toBe(failure);
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
