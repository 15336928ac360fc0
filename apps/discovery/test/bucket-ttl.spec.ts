import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kvm } from '@nats-io/kv';
import { freePorts, SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import type { DiscoveryService } from '../src/discovery.service.js';
import { DiscoveryHarness } from './support/discovery-harness.js';

/** The TTLs the buckets were made with earlier: far shorter than the configuration says now. */
const REGISTRY_TTL_MS = 4_000 + SCHEDULING_SLACK_MS;
const LEASE_TTL_MS = 900 + SCHEDULING_SLACK_MS;
/** The configuration: its heartbeat alone would come long after the bucket expired an entry, */
const CONFIGURED = {
  entry_ttl_ms: 60_000,
  heartbeat_ms: 20_000,
  // and a renewal every third of this would come after the lease bucket dropped the lease.
  lease_ttl_ms: 4 * LEASE_TTL_MS,
};

// A bucket keeps the TTL it was created with; discovery must time its renewals and heartbeats by
// it, not by a configuration that has changed since.
describe('buckets that exist with other TTLs than the configuration', () => {
  let harness: DiscoveryHarness;
  let first: DiscoveryService;
  let second: DiscoveryService;
  let backendId: string;

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    const kvm = new Kvm(harness.nc);
    await kvm.create(harness.subjects.registryBucket, { history: 1, ttl: REGISTRY_TTL_MS });
    await kvm.create(harness.subjects.leaseBucket, { history: 1, ttl: LEASE_TTL_MS });
    // Nothing listens there: the entry stays `offline`, so only heartbeats rewrite it.
    const [port] = (await freePorts(1)) as [number];
    backendId = 'quiet-box';
    const config = {
      backends: [
        {
          id: backendId,
          kind: 'vllm' as const,
          url: `http://127.0.0.1:${port}`,
          mode: 'external' as const,
        },
      ],
      discovery: { well_known_ports: false, ...CONFIGURED },
    };
    first = await harness.startDiscovery(config);
    await waitFor(() => first.isActive, {
      timeoutMs: SCHEDULING_SLACK_MS,
      description: 'the first replica active',
    });
    second = await harness.startDiscovery(config);
  });

  afterAll(async () => {
    await harness.close();
  });

  it('keeps entries and the lease alive by the buckets’ TTLs', async () => {
    const kv = await new Kvm(harness.nc).open(harness.subjects.registryBucket);
    await waitFor(() => harness.inBucket(backendId), {
      timeoutMs: SCHEDULING_SLACK_MS,
      intervalMs: 50,
      description: 'the entry in the bucket',
    });
    const written = (await kv.get(backendId))?.revision ?? 0;
    // Past the registry bucket's TTL from the first write, well before the configured heartbeat.
    await sleep(REGISTRY_TTL_MS + 1_000);
    const now = await kv.get(backendId);
    expect(now?.operation).toBe('PUT');
    expect(now?.revision).toBeGreaterThan(written);
    // The lease bucket's TTL passed twice over: renewed in time, it never changed hands.
    expect(harness.logged('lost the discovery lease')).toEqual([]);
    expect([first.isActive, second.isActive]).toEqual([true, false]);
  }, 30_000);

  it('says at start which bucket TTLs differ from the configuration', () => {
    const warnings = harness.logged(
      "a KV bucket's TTL differs from the configuration; discovery follows the bucket " +
        '(it is what expires entries and the lease), so set the two alike',
    );
    expect(warnings.slice(0, 2)).toEqual([
      expect.objectContaining({
        bucket: harness.subjects.registryBucket,
        setting: 'entry_ttl_ms',
        bucket_ttl_ms: REGISTRY_TTL_MS,
        configured_ms: CONFIGURED.entry_ttl_ms,
        heartbeat_ms: Math.floor(
          (CONFIGURED.heartbeat_ms * REGISTRY_TTL_MS) / CONFIGURED.entry_ttl_ms,
        ),
      }),
      expect.objectContaining({
        bucket: harness.subjects.leaseBucket,
        setting: 'lease_ttl_ms',
        bucket_ttl_ms: LEASE_TTL_MS,
        configured_ms: CONFIGURED.lease_ttl_ms,
      }),
    ]);
  });
});

// A lease bucket made without a TTL would keep a dead holder's lease for ever.
describe('a lease bucket without a TTL', () => {
  let harness: DiscoveryHarness;

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    await new Kvm(harness.nc).create(harness.subjects.leaseBucket, { history: 1 });
  });

  afterAll(async () => {
    await harness.close();
  });

  it('fails start, naming the bucket and the fix', async () => {
    const failure = harness.startDiscovery({ discovery: { well_known_ports: false } });
    await expect(failure).rejects.toMatchObject({
      name: 'BucketWithoutTtlError',
      bucket: harness.subjects.leaseBucket,
    });
    await expect(failure).rejects.toThrow(/no TTL \(max_age 0\).*--max-age/);
  });
});
