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

/** The most callers whose buckets are kept; past it, the least recently seen is forgotten. */
export const MAX_TRACKED_CALLERS = 10_000;

/**
 * The window logic every per-caller limit shares: one token bucket per caller that starts full,
 * refills continuously at its per-minute rate up to its capacity, and may be overdrawn (a
 * spend is only known once an answer has been given, so its cost is debited afterwards and the
 * caller waits until the bucket is positive again).
 *
 * Memory and the work per request are bounded: the buckets are kept in the order their callers
 * were last seen, and beyond {@link MAX_TRACKED_CALLERS} the least recently seen is forgotten,
 * so its caller starts again with a full bucket. Only a caller unseen while ten thousand others
 * came gains by it; scanning for buckets that have refilled instead cost every request a pass
 * over all of them once a gateway open to remote addresses had seen that many, and kept every
 * bucket still short of full for good.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** How many callers have a bucket now. */
  get size(): number {
    return this.buckets.size;
  }

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
  }

  /** `caller`'s bucket, refilled to now and moved to the end of the map: seen last. */
  private refilled(caller: string, rate: BucketRate): Bucket {
    const now = this.now();
    const kept = this.buckets.get(caller);
    const bucket = kept ?? { level: rate.capacity, at: now, rate };
    bucket.level = Math.min(rate.capacity, bucket.level + (now - bucket.at) * perMs(rate));
    bucket.at = now;
    bucket.rate = rate;
    if (kept !== undefined) this.buckets.delete(caller);
    this.buckets.set(caller, bucket);
    if (kept === undefined && this.buckets.size > MAX_TRACKED_CALLERS) this.forgetLeastRecent();
    return bucket;
  }

  private forgetLeastRecent(): void {
    const [oldest] = this.buckets.keys();
    if (oldest !== undefined) this.buckets.delete(oldest);
  }
}

function perMs(rate: BucketRate): number {
  return rate.perMinute / 60_000;
}
