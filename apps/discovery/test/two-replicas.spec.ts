import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import type { DiscoveryService } from '../src/discovery.service.js';
import { DiscoveryHarness, localId, TEST_DISCOVERY } from './support/discovery-harness.js';

// Two discovery replicas against the same NATS, the same configuration and the same backends.
describe('two discovery replicas', () => {
  let harness: DiscoveryHarness;
  const sims: RunningSimulator[] = [];
  let replicas: DiscoveryService[];
  let ids: string[];

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    for (const kind of ['ollama', 'vllm'] as const) {
      sims.push(
        await startSimulator({
          kind,
          port: harness.wellKnown[kind],
          tokensPerSecond: 0,
          loadMs: 0,
        }),
      );
    }
    ids = sims.map((sim) => localId(sim.kind, sim.port));
    replicas = await Promise.all([harness.startDiscovery(), harness.startDiscovery()]);
  });

  afterAll(async () => {
    await harness.close();
    await Promise.all(sims.map((sim) => sim.close()));
  });

  it('elect one active replica and announce every backend exactly once', async () => {
    for (const id of ids) await harness.waitForEntry(id, (e) => e.state === 'healthy');
    // Several intervals and a model refresh, in which a second publisher would show itself.
    await sleep(TEST_DISCOVERY.model_refresh_ms + 2 * TEST_DISCOVERY.interval_ms);
    expect(replicas.filter((replica) => replica.isActive)).toHaveLength(1);
    for (const id of ids) {
      expect(harness.changes(id).map((event) => event.backend.state)).toEqual(['healthy']);
    }
    const active = replicas.find((replica) => replica.isActive) as DiscoveryService;
    expect(new Set(harness.events.map((event) => event.source))).toEqual(
      new Set([active.instanceId]),
    );
  });

  it('answer snapshots from either replica with the one registry', async () => {
    const bucket = await harness.bucket();
    for (let i = 0; i < 6; i++) {
      const snapshot = await harness.snapshot();
      expect(snapshot.map(({ id, state, models }) => ({ id, state, models }))).toEqual(
        [...ids].sort().map((id) => {
          const { state, models } = bucket.get(id) ?? {};
          return { id, state, models };
        }),
      );
    }
  });

  it('hand over when the active replica stops, without announcing anything again', async () => {
    const active = replicas.find((replica) => replica.isActive) as DiscoveryService;
    const standBy = replicas.find((replica) => replica !== active) as DiscoveryService;
    const changesBefore = harness.changes().length;
    await harness.stopDiscovery(active);
    await waitFor(() => standBy.isActive, {
      timeoutMs: TEST_DISCOVERY.lease_ttl_ms + SCHEDULING_SLACK_MS,
      description: 'the stand-by to take over',
    });
    await waitFor(
      () =>
        harness.events.some(
          (event) => event.type === 'heartbeat' && event.source === standBy.instanceId,
        ),
      {
        timeoutMs: TEST_DISCOVERY.heartbeat_ms + SCHEDULING_SLACK_MS,
        description: 'heartbeats from the new active replica',
      },
    );
    expect(harness.changes().slice(changesBefore)).toEqual([]);
    for (const id of ids) expect((await harness.bucket()).get(id)?.state).toBe('healthy');
  });
});
