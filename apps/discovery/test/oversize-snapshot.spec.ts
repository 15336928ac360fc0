import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { orchestratorErrorReplySchema } from '@switchyard/contracts';
import { freePorts, SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import { DiscoveryHarness, TEST_DISCOVERY } from './support/discovery-harness.js';

/** The test server's max_payload: one entry fits easily, the whole registry does not. */
const MAX_PAYLOAD = 4 * 1024;
const BACKENDS = 24;

// A snapshot bigger than max_payload used to make respond() throw in a promise nobody handled:
// no answer (the caller timed out) and an unhandled rejection, which ends a discovery process.
describe('a registry snapshot bigger than max_payload', () => {
  let harness: DiscoveryHarness;

  beforeAll(async () => {
    harness = await DiscoveryHarness.start({ nats: { config: `max_payload: ${MAX_PAYLOAD}\n` } });
    // Nothing listens on these ports: every backend is an offline entry of a few hundred bytes.
    const ports = await freePorts(BACKENDS);
    await harness.startDiscovery({
      backends: ports.map((port, i) => ({
        id: `backend-${String(i).padStart(2, '0')}`,
        kind: 'vllm' as const,
        url: `http://127.0.0.1:${port}`,
        mode: 'external' as const,
      })),
      discovery: { well_known_ports: false },
    });
    await waitFor(async () => (await harness.bucket()).size === BACKENDS, {
      timeoutMs: 2 * TEST_DISCOVERY.interval_ms + SCHEDULING_SLACK_MS,
      description: `${BACKENDS} entries in the bucket`,
    });
  });

  afterAll(async () => {
    await harness.close();
  });

  async function requestSnapshot(): Promise<Uint8Array> {
    const reply = await harness.nc.request(harness.subjects.discoverySnapshot, '', {
      timeout: 2_000 + SCHEDULING_SLACK_MS,
    });
    return reply.data;
  }

  it('answers payload_too_large naming max_payload, and keeps answering', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const data = await requestSnapshot();
      expect(data.length).toBeLessThanOrEqual(MAX_PAYLOAD);
      const { error } = orchestratorErrorReplySchema.parse(
        JSON.parse(new TextDecoder().decode(data)),
      );
      expect(error.code).toBe('payload_too_large');
      expect(error.message).toContain(`max_payload (${MAX_PAYLOAD} bytes)`);
      expect(error.message).toContain(`${BACKENDS} backends`);
      expect(error.message).toContain(harness.subjects.registryBucket);
    }
  });

  it('goes on publishing after it', async () => {
    const seen = harness.events.length;
    await requestSnapshot();
    await waitFor(() => harness.events.slice(seen).some((event) => event.type === 'heartbeat'), {
      timeoutMs: TEST_DISCOVERY.heartbeat_ms + SCHEDULING_SLACK_MS,
      description: 'a heartbeat after the oversize snapshot',
    });
  });
});
