import { SwitchyardError } from '@switchyard/contracts';
import { TokenBuckets } from './token-buckets.js';

export interface RateLimitConfig {
  requests_per_minute?: number | undefined;
  burst?: number | undefined;
  /** Another per-minute rate for some callers, by caller id. */
  per_key: Readonly<Record<string, number>>;
}

/**
 * Requests per caller: a token bucket each, holding up to `burst` requests (default a minute's
 * worth) and refilled at the caller's per-minute rate. A request that finds its bucket empty
 * fails with `rate_limited`, carrying how long until a token is back (the `Retry-After` of the
 * 429). Without `requests_per_minute`, only callers with a `per_key` rate are limited.
 */
export class RateLimiter {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly config: RateLimitConfig,
    now: () => number = () => performance.now(),
  ) {
    this.buckets = new TokenBuckets(now);
  }

  /** Takes one request from `caller`'s bucket (`limitKey` picks a per-key rate) or throws. */
  take(caller: string, limitKey?: string): void {
    const perMinute =
      (limitKey === undefined ? undefined : this.config.per_key[limitKey]) ??
      this.config.requests_per_minute;
    if (perMinute === undefined) return;
    const rate = { perMinute, capacity: this.config.burst ?? perMinute };
    const retryAfterMs = this.buckets.waitFor(caller, rate);
    if (retryAfterMs !== undefined) {
      throw new SwitchyardError(
        'rate_limited',
        `rate limit of ${perMinute} requests a minute reached`,
        { details: { retry_after_ms: retryAfterMs } },
      );
    }
    this.buckets.debit(caller, rate, 1);
  }
}
