import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { SCHEDULING_SLACK_MS, sleep } from '@switchyard/testing';
import { DiscoveryHarness, TEST_DISCOVERY } from './support/discovery-harness.js';

// Short enough that the expiry of an unconfirmed entry would show within the test.
const ENTRY_TTL_MS = 3_000;

// A backend named in the configuration, on a port of its own; the well-known ports are off.
describe('a configured backend', () => {
  let harness: DiscoveryHarness;
  let sim: RunningSimulator;

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    sim = await startSimulator({ kind: 'ollama', port: 0, tokensPerSecond: 0, loadMs: 0 });
    await harness.startDiscovery({
      backends: [{ id: 'gpu-box', kind: 'ollama', url: sim.url, mode: 'managed' }],
      discovery: { well_known_ports: false, entry_ttl_ms: ENTRY_TTL_MS },
    });
  });

  afterAll(async () => {
    await harness.close();
    await sim.close();
  });

  it('is healthy within one interval, under its configured id', async () => {
    const entry = await harness.waitForEntry(
      'gpu-box',
      (e) => e.state === 'healthy',
      TEST_DISCOVERY.interval_ms + SCHEDULING_SLACK_MS,
    );
    expect(entry).toMatchObject({ kind: 'ollama', url: sim.url, managed: true });
    expect(entry.models.map((model) => model.name).sort()).toEqual([
      'all-minilm:latest',
      'llama3.2:latest',
    ]);
    expect((await harness.snapshot()).map((e) => e.id)).toEqual(['gpu-box']);
  });

  it('lists a pulled model at the next model refresh, with one change event', async () => {
    const before = harness.changes('gpu-box').length;
    sim.addModel('qwen3:0.6b');
    const entry = await harness.waitForEntry(
      'gpu-box',
      (e) => e.models.some((model) => model.name === 'qwen3:0.6b'),
      TEST_DISCOVERY.model_refresh_ms + TEST_DISCOVERY.interval_ms + SCHEDULING_SLACK_MS,
    );
    expect(entry.state).toBe('healthy');
    const changes = (await harness.waitForChanges('gpu-box', before + 1)).slice(before);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.previous_state).toBe('healthy');
    expect((await harness.bucket()).get('gpu-box')?.models).toEqual(entry.models);
  });

  it('shows a model loaded once the backend loaded it', async () => {
    await fetch(`${sim.url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2', prompt: 'hi', stream: false }),
    });
    const entry = await harness.waitForEntry(
      'gpu-box',
      (e) => e.models.find((model) => model.name === 'llama3.2:latest')?.loaded === true,
      TEST_DISCOVERY.model_refresh_ms + TEST_DISCOVERY.interval_ms + SCHEDULING_SLACK_MS,
    );
    expect(entry.models.find((model) => model.name === 'llama3.2:latest')?.context_length).toBe(
      4096,
    );
  });

  it('stays in the registry as offline when it stops answering', async () => {
    await sim.close();
    await harness.waitForEntry(
      'gpu-box',
      (e) => e.state === 'offline',
      2 * TEST_DISCOVERY.interval_ms + SCHEDULING_SLACK_MS,
    );
    // Configured backends do not expire: the configuration keeps confirming them. An entry
    // found on a well-known port would leave the bucket within entry_ttl_ms (entry-expiry.spec).
    await sleep(ENTRY_TTL_MS + TEST_DISCOVERY.heartbeat_ms);
    expect((await harness.bucket()).get('gpu-box')?.state).toBe('offline');
  });
});
