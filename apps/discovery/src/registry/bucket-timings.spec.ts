import { describe, expect, it } from '@jest/globals';
import { discoveryConfigSchema } from '@switchyard/contracts';
import { BucketWithoutTtlError, withBucketTtls } from './bucket-timings.js';

// Defaults: heartbeat 15 s, entries 60 s, lease 10 s.
const config = discoveryConfigSchema.parse({});
const ttls = (registryMs: number, leaseMs: number) => ({
  registry: { bucket: 'reg', ttlMs: registryMs },
  lease: { bucket: 'reg_lease', ttlMs: leaseMs },
});

describe('withBucketTtls', () => {
  it('changes nothing, and reports nothing, when the buckets have the configured TTLs', () => {
    expect(withBucketTtls(config, ttls(60_000, 10_000))).toEqual({ config, mismatches: [] });
  });

  it('takes the buckets’ TTLs, and beats a shorter registry TTL at the configured ratio', () => {
    const { config: timings, mismatches } = withBucketTtls(config, ttls(20_000, 3_000));
    expect(timings).toMatchObject({
      entry_ttl_ms: 20_000,
      heartbeat_ms: 5_000,
      lease_ttl_ms: 3_000,
    });
    expect(mismatches.map((m) => [m.setting, m.bucket_ttl_ms, m.configured_ms])).toEqual([
      ['entry_ttl_ms', 20_000, 60_000],
      ['lease_ttl_ms', 3_000, 10_000],
    ]);
  });

  it('never heartbeats less often than configured for a longer registry TTL', () => {
    const { config: timings } = withBucketTtls(config, ttls(600_000, 10_000));
    expect(timings).toMatchObject({ entry_ttl_ms: 600_000, heartbeat_ms: 15_000 });
  });

  it.each([
    ['reg', ttls(0, 10_000)],
    ['reg_lease', ttls(60_000, 0)],
  ])('refuses a bucket without a TTL (%s)', (bucket, given) => {
    expect(() => withBucketTtls(config, given)).toThrow(BucketWithoutTtlError);
    expect(() => withBucketTtls(config, given)).toThrow(`"${bucket}" has no TTL`);
  });
});
