import { describe, expect, it } from '@jest/globals';
import { MAX_TRACKED_CALLERS, TokenBuckets } from './token-buckets.js';

const rate = { perMinute: 60, capacity: 2 };

describe('token buckets', () => {
  it('keeps at most MAX_TRACKED_CALLERS buckets, however many callers are still short of full', () => {
    const buckets = new TokenBuckets(() => 0);
    // Every caller drains its bucket, and no time passes: none refills.
    for (let caller = 0; caller < 2 * MAX_TRACKED_CALLERS; caller++) {
      buckets.debit(`addr:${caller}`, rate, 2);
    }
    expect(buckets.size).toBe(MAX_TRACKED_CALLERS);
    // The callers seen last are remembered; the first were forgotten, and start full again.
    expect(buckets.waitFor(`addr:${2 * MAX_TRACKED_CALLERS - 1}`, rate)).toBe(1_000);
    expect(buckets.waitFor('addr:0', rate)).toBeUndefined();
  });

  it('forgets the caller seen least recently, not the one that came first', () => {
    const buckets = new TokenBuckets(() => 0);
    buckets.debit('key:regular', rate, 2);
    for (let caller = 1; caller < MAX_TRACKED_CALLERS; caller++) {
      buckets.debit(`addr:${caller}`, rate, 2);
      // The regular caller keeps coming back, so it stays among the most recently seen.
      if (caller % 1_000 === 0) expect(buckets.waitFor('key:regular', rate)).toBe(1_000);
    }
    buckets.debit('addr:newcomer', rate, 2);
    expect(buckets.size).toBe(MAX_TRACKED_CALLERS);
    expect(buckets.waitFor('key:regular', rate)).toBe(1_000);
    // The one forgotten: seen once, before the regular caller's last visit.
    expect(buckets.waitFor('addr:1', rate)).toBeUndefined();
  });
});
