import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { RateLimiter } from './rate-limiter.js';

function refusal(run: () => void): SwitchyardError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as SwitchyardError;
  }
}

describe('rate limiter', () => {
  it('lets a burst through, refuses the next with a retry hint, and refills at the rate', () => {
    let now = 0;
    const limiter = new RateLimiter({ requests_per_minute: 60, burst: 2, per_key: {} }, () => now);
    expect(refusal(() => limiter.take('a'))).toBeUndefined();
    expect(refusal(() => limiter.take('a'))).toBeUndefined();
    const refused = refusal(() => limiter.take('a'));
    expect(refused?.code).toBe('rate_limited');
    expect(refused?.details).toEqual({ retry_after_ms: 1_000 });
    // Another caller has its own bucket.
    expect(refusal(() => limiter.take('b'))).toBeUndefined();
    now = 999;
    expect(refusal(() => limiter.take('a'))?.code).toBe('rate_limited');
    now = 2_000;
    expect(refusal(() => limiter.take('a'))).toBeUndefined();
  });

  it('applies a per-key rate', () => {
    const limiter = new RateLimiter({ requests_per_minute: 1, per_key: { vip: 3 } }, () => 0);
    for (let i = 0; i < 3; i++)
      expect(refusal(() => limiter.take('key:vip', 'vip'))).toBeUndefined();
    expect(refusal(() => limiter.take('key:vip', 'vip'))?.code).toBe('rate_limited');
    expect(refusal(() => limiter.take('addr:x'))).toBeUndefined();
    expect(refusal(() => limiter.take('addr:x'))?.code).toBe('rate_limited');
  });
});
