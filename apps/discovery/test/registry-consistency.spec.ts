import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import type { RegistryEntry } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import type { DiscoveryService } from '../src/discovery.service.js';
import { DiscoveryHarness, localId, TEST_DISCOVERY } from './support/discovery-harness.js';

/** What a check does not rewrite when nothing changed. */
function stable({ id, kind, url, state, models, version, managed }: RegistryEntry) {
  return { id, kind, url, state, models, version, managed };
}

function byId(entries: Iterable<RegistryEntry>) {
  return [...entries].sort((a, b) => a.id.localeCompare(b.id)).map(stable);
}

describe('the registry bucket, the events and the snapshot', () => {
  let harness: DiscoveryHarness;
  const sims: RunningSimulator[] = [];
  let ids: string[];
  let first: DiscoveryService;

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    sims.push(
      await startSimulator({ kind: 'ollama', port: 0, tokensPerSecond: 0, loadMs: 0 }),
      await startSimulator({
        kind: 'lmstudio',
        port: harness.wellKnown.lmstudio,
        tokensPerSecond: 0,
        loadMs: 0,
      }),
    );
    ids = ['configured-ollama', localId('lmstudio', harness.wellKnown.lmstudio)];
  });

  afterAll(async () => {
    await harness.close();
    await Promise.all(sims.map((sim) => sim.close()));
  });

  const config = () => ({
    backends: [
      { id: 'configured-ollama', kind: 'ollama' as const, url: (sims[0] as RunningSimulator).url },
    ],
  });

  it('agree: the bucket holds what the latest event of each backend said', async () => {
    first = await harness.startDiscovery(config());
    for (const id of ids) await harness.waitForEntry(id, (e) => e.state === 'healthy');
    await waitFor(
      async () => {
        const bucket = await harness.bucket();
        return ids.every((id) => {
          const last = harness.events.filter((event) => event.backend.id === id).at(-1);
          return isDeepStrictEqual(last?.backend, bucket.get(id));
        });
      },
      {
        timeoutMs: TEST_DISCOVERY.interval_ms + SCHEDULING_SLACK_MS,
        description: 'the bucket to equal the latest events',
      },
    );
    // Heartbeats flow when nothing changes.
    await waitFor(
      () =>
        ids.every((id) =>
          harness.events.some((e) => e.type === 'heartbeat' && e.backend.id === id),
        ),
      {
        timeoutMs: TEST_DISCOVERY.heartbeat_ms + SCHEDULING_SLACK_MS,
        description: 'a heartbeat for every backend',
      },
    );
    const bucket = await harness.bucket();
    expect([...bucket.keys()].sort()).toEqual([...ids].sort());
    expect(byId(await harness.snapshot())).toEqual(byId(bucket.values()));
  });

  it('is rebuilt the same by a restarted discovery, without announcing anything again', async () => {
    const before = await harness.bucket();
    await harness.stopDiscovery(first);
    const changesBefore = harness.changes().length;

    const restarted = await harness.startDiscovery(config());
    await waitFor(() => restarted.isActive, {
      timeoutMs: TEST_DISCOVERY.lease_ttl_ms + SCHEDULING_SLACK_MS,
      description: 'the restarted replica to take over',
    });
    // Long enough for a full inspection of every backend and several checks.
    await sleep(TEST_DISCOVERY.model_refresh_ms + 2 * TEST_DISCOVERY.interval_ms);
    // The restarted replica confirms them: its checks and heartbeats move on.
    let after = new Map<string, RegistryEntry>();
    const checkedAt = (entries: Map<string, RegistryEntry>, id: string) =>
      Date.parse(entries.get(id)?.checked_at ?? '');
    await waitFor(
      async () => {
        after = await harness.bucket();
        return ids.every((id) => checkedAt(after, id) > checkedAt(before, id));
      },
      {
        timeoutMs: TEST_DISCOVERY.heartbeat_ms + SCHEDULING_SLACK_MS,
        description: 'a heartbeat of the restarted replica for every backend',
      },
    );
    expect(byId(after.values())).toEqual(byId(before.values()));
    expect(byId(await harness.snapshot())).toEqual(byId(before.values()));
    expect(harness.changes().slice(changesBefore)).toEqual([]);
  });
});
