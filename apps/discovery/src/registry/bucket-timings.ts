import type { DiscoveryConfig } from '@switchyard/contracts';

/** The TTLs (`max_age`) the registry and lease buckets have, as JetStream reports them. */
export interface BucketTtls {
  registry: { bucket: string; ttlMs: number };
  lease: { bucket: string; ttlMs: number };
}

/**
 * A bucket without a TTL: nothing in it ever expires, so a lease would outlive a crashed holder
 * (no replica could take over) and a registry would keep the entries of a discovery that is gone.
 */
export class BucketWithoutTtlError extends Error {
  override readonly name = 'BucketWithoutTtlError';
  constructor(
    readonly bucket: string,
    setting: 'entry_ttl_ms' | 'lease_ttl_ms',
    configuredMs: number,
  ) {
    super(
      `the KV bucket "${bucket}" has no TTL (max_age 0), so ` +
        (setting === 'lease_ttl_ms'
          ? 'the discovery lease would never expire after its holder dies and no replica could take over'
          : 'entries would stay after every discovery replica is gone') +
        `; give it one (nats stream edit KV_${bucket} --max-age ${configuredMs}ms, ` +
        `discovery.${setting}) or delete it so that discovery creates it`,
    );
  }
}

/** Where a bucket's TTL and the configuration disagree, for the start-up warning. */
export interface TtlMismatch {
  bucket: string;
  setting: 'entry_ttl_ms' | 'lease_ttl_ms';
  bucket_ttl_ms: number;
  configured_ms: number;
}

/**
 * The discovery settings with the buckets' own TTLs in place of the configured ones. A bucket
 * keeps the TTL it was created with whatever the configuration says later, and it is the bucket
 * that expires entries and the lease, so every interval that must beat an expiry is derived
 * from it: the lease is renewed every third of the lease bucket's TTL, and entries are
 * re-published as many times per registry TTL as `heartbeat_ms` fits in `entry_ttl_ms` (never
 * less often than `heartbeat_ms`). All replicas read the same buckets, so they agree on these
 * timings even while their configurations differ (a rolling change).
 */
export function withBucketTtls(
  config: DiscoveryConfig,
  { registry, lease }: BucketTtls,
): { config: DiscoveryConfig; mismatches: TtlMismatch[] } {
  if (registry.ttlMs <= 0) {
    throw new BucketWithoutTtlError(registry.bucket, 'entry_ttl_ms', config.entry_ttl_ms);
  }
  if (lease.ttlMs <= 0) {
    throw new BucketWithoutTtlError(lease.bucket, 'lease_ttl_ms', config.lease_ttl_ms);
  }
  const heartbeatMs = Math.min(
    config.heartbeat_ms,
    Math.max(1, Math.floor((config.heartbeat_ms * registry.ttlMs) / config.entry_ttl_ms)),
  );
  const mismatches: TtlMismatch[] = [];
  if (registry.ttlMs !== config.entry_ttl_ms) {
    mismatches.push({
      bucket: registry.bucket,
      setting: 'entry_ttl_ms',
      bucket_ttl_ms: registry.ttlMs,
      configured_ms: config.entry_ttl_ms,
    });
  }
  if (lease.ttlMs !== config.lease_ttl_ms) {
    mismatches.push({
      bucket: lease.bucket,
      setting: 'lease_ttl_ms',
      bucket_ttl_ms: lease.ttlMs,
      configured_ms: config.lease_ttl_ms,
    });
  }
  return {
    config: {
      ...config,
      entry_ttl_ms: registry.ttlMs,
      heartbeat_ms: heartbeatMs,
      lease_ttl_ms: lease.ttlMs,
    },
    mismatches,
  };
}
