/** A bucket's rate: how much it refills per minute and how much it holds at most. */
export interface BucketRate {
  perMinute: number;
  capacity: number;
}

interface Bucket {
  level: number;
  at: number;
  rate: BucketRate;
}

/** Past this many callers, buckets that have refilled completely are forgotten. */
const MAX_TRACKED_CALLERS = 10_000;

/**
 * The window logic every per-caller limit shares: one token bucket per caller that starts full,
 * refills continuously at its per-minute rate up to its capacity, and may be overdrawn (a
 * spend is only known once an answer has been given, so its cost is debited afterwards and the
 * caller waits until the bucket is positive again). Memory is bounded: beyond
 * {@link MAX_TRACKED_CALLERS}, callers whose bucket is full again are forgotten.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * How long until `caller`'s bucket holds at least `need`, in milliseconds, or `undefined` when
   * it does now.
   */
  waitFor(caller: string, rate: BucketRate, need = 1): number | undefined {
    const bucket = this.refilled(caller, rate);
    if (bucket.level >= need) return undefined;
    return Math.ceil((need - bucket.level) / perMs(rate));
  }

  /** Takes `amount` from `caller`'s bucket, overdrawing it if need be. */
  debit(caller: string, rate: BucketRate, amount: number): void {
    const bucket = this.refilled(caller, rate);
    bucket.level -= amount;
    if (this.buckets.size > MAX_TRACKED_CALLERS) this.forgetFull();
  }

  private refilled(caller: string, rate: BucketRate): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { level: rate.capacity, at: now, rate };
    bucket.level = Math.min(rate.capacity, bucket.level + (now - bucket.at) * perMs(rate));
    bucket.at = now;
    bucket.rate = rate;
    this.buckets.set(caller, bucket);
    return bucket;
  }

  private forgetFull(): void {
    const now = this.now();
    for (const [caller, bucket] of this.buckets) {
      const level = bucket.level + (now - bucket.at) * perMs(bucket.rate);
      if (level >= bucket.rate.capacity) this.buckets.delete(caller);
    }
  }
}

function perMs(rate: BucketRate): number {
  return rate.perMinute / 60_000;
}
