import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import { DiscoveryHarness, TEST_DISCOVERY } from './support/discovery-harness.js';

/** The test server's max_payload: an entry of a few models fits, one of hundreds does not. */
const MAX_PAYLOAD = 8 * 1024;
const BASE_MODELS = ['llama3.2:latest', 'all-minilm:latest'];
/** Far more than fit in MAX_PAYLOAD, at some 100 bytes a model in an event. */
const EXTRA_MODELS = Array.from({ length: 200 }, (_, i) => `model-${i}:latest`);
const SKIPPED =
  "a health event is over the NATS server's max_payload and was not published; raise " +
  "max_payload in the NATS server configuration, or reduce the backend's model list";
const UNWRITTEN =
  'could not write a registry entry; the write is retried at the next check (its health event ' +
  'does not wait for it)';

// A backend listing very many models makes an event bigger than the server's max_payload, and
// nats.js throws for such a publish. The event must be skipped with a warning that says so, not
// cut (a partial list would read as models gone) nor thrown into the registry's write queue.
describe('a health event bigger than max_payload', () => {
  let harness: DiscoveryHarness;
  let sim: RunningSimulator;

  beforeAll(async () => {
    harness = await DiscoveryHarness.start({ nats: { config: `max_payload: ${MAX_PAYLOAD}\n` } });
    sim = await startSimulator({
      kind: 'ollama',
      port: 0,
      tokensPerSecond: 0,
      loadMs: 0,
      models: [...BASE_MODELS, ...EXTRA_MODELS],
    });
    await harness.startDiscovery({
      backends: [{ id: 'big-box', kind: 'ollama', url: sim.url, mode: 'external' }],
      discovery: { well_known_ports: false },
    });
  });

  afterAll(async () => {
    await harness.close();
    await sim.close();
  });

  it('is skipped with one warning naming the backend, its size and the limit', async () => {
    await waitFor(() => harness.logged(SKIPPED).length > 0, {
      timeoutMs: TEST_DISCOVERY.interval_ms + SCHEDULING_SLACK_MS,
      description: 'the warning of the skipped change event',
    });
    const [warning] = harness.logged(SKIPPED);
    expect(warning).toMatchObject({
      level: 40,
      backend: 'big-box',
      event: 'change',
      max_payload: MAX_PAYLOAD,
      models: BASE_MODELS.length + EXTRA_MODELS.length,
    });
    expect(warning?.['bytes']).toBeGreaterThan(MAX_PAYLOAD);
    // The change is still logged, and the failure is not reported as a registry failure.
    expect(harness.logged('backend changed')).toEqual([
      expect.objectContaining({ backend: 'big-box', state: 'healthy' }),
    ]);
    expect(harness.logged('could not publish a registry entry')).toEqual([]);
    expect(harness.changes('big-box')).toEqual([]);
    // The entry is as much over the limit for the bucket: that write fails on its own, says so,
    // and is retried.
    expect(harness.logged(UNWRITTEN)).toEqual([expect.objectContaining({ backend: 'big-box' })]);
    expect(await harness.inBucket('big-box')).toBe(false);
  });

  it('warns once for a run of skipped heartbeats', async () => {
    // Two heartbeats, or at least one on a loaded machine.
    await sleep(2 * TEST_DISCOVERY.heartbeat_ms + TEST_DISCOVERY.interval_ms);
    expect(harness.logged(SKIPPED)).toHaveLength(1);
    expect(harness.events.filter((event) => event.backend.id === 'big-box')).toEqual([]);
  });

  it('publishes the next event that fits, and the bucket catches up', async () => {
    for (const name of EXTRA_MODELS) sim.removeModel(name);
    const [change] = await harness.waitForChanges('big-box', 1);
    expect(change?.backend.models.map((model) => model.name).sort()).toEqual(
      [...BASE_MODELS].sort(),
    );
    await waitFor(() => harness.inBucket('big-box'), {
      timeoutMs: TEST_DISCOVERY.heartbeat_ms + SCHEDULING_SLACK_MS,
      intervalMs: 50,
      description: 'the entry in the bucket',
    });
    expect((await harness.bucket()).get('big-box')?.models).toHaveLength(BASE_MODELS.length);
    expect(harness.logged('registry entry written again')).toEqual([
      expect.objectContaining({ backend: 'big-box' }),
    ]);
    expect(harness.logged(SKIPPED)).toHaveLength(1);
  });
});
