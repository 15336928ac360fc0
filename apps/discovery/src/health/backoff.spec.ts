import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('keeps the interval for the first failure, so a dead backend is confirmed at once', () => {
    expect(backoffDelay(0, 500, 60_000)).toBe(500);
    expect(backoffDelay(1, 500, 60_000)).toBe(500);
  });

  it('doubles per failure with jitter in the upper half, capped at the maximum', () => {
    expect(backoffDelay(3, 500, 60_000, () => 0)).toBe(1_000);
    expect(backoffDelay(3, 500, 60_000, () => 1)).toBe(2_000);
    expect(backoffDelay(40, 500, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelay(40, 500, 60_000, () => 0)).toBe(30_000);
  });

  it('stays between the interval and the cap for any failure count and draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (failures, interval, max, draw) => {
          const delay = backoffDelay(failures, interval, max, () => draw);
          expect(delay).toBeGreaterThanOrEqual(Math.min(interval, max));
          expect(delay).toBeLessThanOrEqual(Math.max(interval, max));
        },
      ),
    );
  });
});
