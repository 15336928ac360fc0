import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import { DiscoveryHarness, TEST_DISCOVERY } from './support/discovery-harness.js';

/** Far longer than a check plus slack, so a write seen sooner is the check's retry. */
const HEARTBEAT_MS = 20_000;
const ENTRY_TTL_MS = 60_000;

// JetStream refuses every registry write (the bucket was made with a value size limit smaller
// than any entry). Health changes must still be announced, and the write made once JetStream
// takes it again, at the next check rather than the next heartbeat.
describe('health changes while the registry bucket refuses writes', () => {
  let harness: DiscoveryHarness;
  let sim: RunningSimulator;

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    await new Kvm(harness.nc).create(harness.subjects.registryBucket, {
      history: 1,
      ttl: ENTRY_TTL_MS,
      maxValueSize: 64,
    });
    sim = await startSimulator({ kind: 'ollama', port: 0, tokensPerSecond: 0, loadMs: 0 });
    await harness.startDiscovery({
      backends: [{ id: 'gpu-box', kind: 'ollama', url: sim.url, mode: 'external' }],
      discovery: {
        well_known_ports: false,
        heartbeat_ms: HEARTBEAT_MS,
        entry_ttl_ms: ENTRY_TTL_MS,
      },
    });
  });

  afterAll(async () => {
    await harness.close();
    await sim.close();
  });

  it('announces the first sighting although the write failed, and says so in the log', async () => {
    const [change] = await harness.waitForChanges('gpu-box', 1);
    expect(change?.backend.state).toBe('healthy');
    expect(await harness.inBucket('gpu-box')).toBe(false);
    const warning = harness.logged(
      'could not write a registry entry; the write is retried at the next check (its health ' +
        'event does not wait for it)',
    );
    expect(warning[0]).toMatchObject({ backend: 'gpu-box' });
  });

  it('announces a state change while the bucket still refuses it', async () => {
    const before = harness.changes('gpu-box').length;
    await sim.close();
    const changes = await harness.waitForChanges('gpu-box', before + 1);
    expect(changes.at(-1)?.backend.state).toBe('offline');
    expect(changes.at(-1)?.previous_state).toBe('healthy');
    expect(await harness.inBucket('gpu-box')).toBe(false);
  });

  it('writes the entry at the next check once JetStream takes it again', async () => {
    const jsm = await jetstreamManager(harness.nc);
    const stream = `KV_${harness.subjects.registryBucket}`;
    const { config } = await jsm.streams.info(stream);
    await jsm.streams.update(stream, { ...config, max_msg_size: -1 });
    await waitFor(() => harness.inBucket('gpu-box'), {
      timeoutMs: TEST_DISCOVERY.max_backoff_ms + SCHEDULING_SLACK_MS,
      intervalMs: 50,
      description: 'the entry in the bucket',
    });
    expect((await harness.bucket()).get('gpu-box')?.state).toBe('offline');
    expect(harness.logged('registry entry written again')[0]).toMatchObject({
      backend: 'gpu-box',
    });
  });
});
