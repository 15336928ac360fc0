import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kvm } from '@nats-io/kv';
import {
  pauseProcess,
  resumeProcess,
  SCHEDULING_SLACK_MS,
  sleep,
  waitFor,
} from '@switchyard/testing';
import type { DiscoveryService } from '../src/discovery.service.js';
import { KV_API_TIMEOUT_MS } from '../src/registry/open-bucket.js';
import { DiscoveryHarness, TEST_DISCOVERY } from './support/discovery-harness.js';

const RETRYING = 'could not open the KV bucket yet; retrying';

// A JetStream API request that times out says nothing about whether JetStream is there: on a
// loaded machine the answer is merely late. Here the nats-server is stopped (SIGSTOP) right
// before discovery opens its buckets, so the first attempt times out for real, and resumed once
// discovery says it will retry. Discovery must then join the lease, not run alone: a second
// replica started afterwards stands by.
describe('discovery whose JetStream answers too late at first', () => {
  let harness: DiscoveryHarness;
  let first: DiscoveryService;

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    const pid = harness.nats.pid as number;
    let settled = false;
    const starting = harness.startDiscovery(
      { discovery: { well_known_ports: false } },
      { beforeStart: () => pauseProcess(pid) },
    );
    void starting.finally(() => (settled = true)).catch(() => undefined);
    try {
      await waitFor(() => settled || harness.logged(RETRYING).length > 0, {
        timeoutMs: KV_API_TIMEOUT_MS + SCHEDULING_SLACK_MS,
        intervalMs: 20,
        description: 'the first attempt to time out',
      });
    } finally {
      resumeProcess(pid);
    }
    first = await starting;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('retries the bucket instead of running alone', () => {
    expect(harness.logged(RETRYING)).toEqual([
      expect.objectContaining({
        bucket: harness.subjects.registryBucket,
        attempt: 1,
        err: expect.objectContaining({ type: 'TimeoutError' }),
      }),
    ]);
  });

  it('holds the lease, so a second replica stands by', async () => {
    await waitFor(() => first.isActive, {
      timeoutMs: TEST_DISCOVERY.lease_ttl_ms + SCHEDULING_SLACK_MS,
      description: 'the first replica to be active',
    });
    const second = await harness.startDiscovery({ discovery: { well_known_ports: false } });
    // A few lease renewals, in which a second active replica would show itself.
    await sleep(TEST_DISCOVERY.lease_ttl_ms);
    expect({ first: first.isActive, second: second.isActive }).toEqual({
      first: true,
      second: false,
    });
    const lease = await new Kvm(harness.nc).open(harness.subjects.leaseBucket);
    expect((await lease.get('discovery'))?.json()).toEqual({ instance: first.instanceId });
  });
});
