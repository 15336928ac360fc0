import { describe, expect, it, jest } from '@jest/globals';
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

  // A timer may fire a millisecond before `Date.now()` reaches its time; on a loaded machine
  // that let a cut-off check be followed by another, and the error chain grew a link per try.
  it('ends at the check the deadline cut off, even when the clock says time is left', async () => {
    const failure = new Error('ps listed nothing');
    const realNow = Date.now.bind(Date);
    let calls = 0;
    // From the second check on, the wall clock lags the timers by 10 ms.
    const clock = jest
      .spyOn(Date, 'now')
      .mockImplementation(() => realNow() - (calls > 1 ? 10 : 0));
    try {
      const error = await waitFor(
        () => {
          calls += 1;
          if (calls === 1) throw failure;
          return new Promise<boolean>(() => undefined);
        },
        { timeoutMs: 50, intervalMs: 1, description: 'the listing' },
      ).catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(WaitTimeoutError);
      const cause = (error as Error).cause as Error;
      expect(cause.message).toBe('the check of the listing did not settle');
      expect(cause.cause).toBe(failure);
      expect(calls).toBe(2);
    } finally {
      clock.mockRestore();
    }
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
