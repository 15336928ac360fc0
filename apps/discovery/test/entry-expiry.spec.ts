import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import { DiscoveryHarness, localId } from './support/discovery-harness.js';

const ENTRY_TTL_MS = 1_500;

// A backend found on a well-known port that then goes away for longer than entry_ttl_ms.
describe('registry entries nobody confirms', () => {
  let harness: DiscoveryHarness;
  let sim: RunningSimulator;

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    sim = await startSimulator({
      kind: 'vllm',
      port: harness.wellKnown.vllm,
      tokensPerSecond: 0,
      loadMs: 0,
    });
    await harness.startDiscovery({ discovery: { entry_ttl_ms: ENTRY_TTL_MS, heartbeat_ms: 300 } });
  });

  afterAll(async () => {
    await harness.close();
    await sim.close();
  });

  it('are deleted from the bucket once the backend has not answered for entry_ttl_ms', async () => {
    const id = localId('vllm', harness.wellKnown.vllm);
    await harness.waitForEntry(id, (e) => e.state === 'healthy');
    await sim.close();
    const closedAt = Date.now();
    await harness.waitForEntry(id, (e) => e.state === 'offline');
    await waitFor(async () => !(await harness.inBucket(id)), {
      timeoutMs: ENTRY_TTL_MS + SCHEDULING_SLACK_MS,
      description: 'the entry to leave the bucket',
    });
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(ENTRY_TTL_MS - 300);
    expect((await harness.snapshot()).map((entry) => entry.id)).not.toContain(id);
  });

  it('expire by themselves when no replica is left, through the bucket max_age', async () => {
    const jsm = await jetstreamManager(harness.nc);
    const info = await jsm.streams.info(`KV_${harness.subjects.registryBucket}`);
    expect(info.config.max_age).toBe(ENTRY_TTL_MS * 1_000_000);
    expect(info.config.max_msgs_per_subject).toBe(1);
  });
});
