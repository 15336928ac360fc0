import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { PROCESS_HOOK_TIMEOUT_MS, SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

/** `nats.outage_wait_ms`: more than a reconnect takes, however busy the machine. */
const OUTAGE_WAIT_MS = 2_000 + SCHEDULING_SLACK_MS;
/** Longer than a test runs: a request that went astray would wait it out, and the test fail. */
const STREAM_IDLE_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 3 * OUTAGE_WAIT_MS + 30_000;

const hello = [{ role: 'user' as const, content: 'Say hello.' }];

// The gateway reaches NATS through a link the test cuts; the worker keeps its own.
describe("an outage of the gateway's NATS connection", () => {
  let fleet: Fleet;
  let openai: OpenAI;
  let ollama: Ollama;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama' }],
      gatewayLink: true,
      gateway: { stream_idle_timeout_ms: STREAM_IDLE_TIMEOUT_MS },
      config: { nats: { reconnect_wait_ms: 50, outage_wait_ms: OUTAGE_WAIT_MS } },
    });
    // The clients' own retries of a 503 would hide what one request meets.
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    ollama = new Ollama({ host: fleet.url });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  afterEach(async () => {
    link().restore();
    await waitFor(async () => (await fetch(`${fleet.url}/readyz`)).ok, {
      description: 'the gateway to be ready again',
    });
  });

  function link() {
    const relay = fleet.gatewayLink;
    if (relay === undefined) throw new Error('the fleet has no gateway link');
    return relay;
  }

  async function cutAndWaitForTheGatewayToNotice(): Promise<void> {
    link().cut();
    await waitFor(async () => (await fetch(`${fleet.url}/readyz`)).status === 503, {
      description: 'the gateway to see NATS gone',
    });
    // Not ready, and saying why: the connection is known lost, not merely slow to answer.
    await waitFor(
      async () =>
        ((await (await fetch(`${fleet.url}/readyz`)).json()) as { reason?: string }).reason ===
        'NATS connection lost; reconnecting',
      { description: 'readiness to name the lost connection' },
    );
  }

  it(
    'answers a chat that came while NATS was gone once it is back',
    async () => {
      await cutAndWaitForTheGatewayToNotice();
      const answer = openai.chat.completions.create({ model: 'llama3.2', messages: hello });
      // Long enough for the gateway to dial and fail a few times, each dropping what was sent.
      await sleep(500);
      link().restore();
      const completion = await answer;
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.choices[0]?.message.content).toBeTruthy();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'answers 503 nats_unavailable after outage_wait_ms, then at once while NATS stays gone',
    async () => {
      await cutAndWaitForTheGatewayToNotice();
      const askedAt = performance.now();
      const error = await apiErrorOf(
        openai.chat.completions.create({ model: 'llama3.2', messages: hello }),
      );
      expect(error).toMatchObject({
        status: 503,
        code: 'nats_unavailable',
        type: 'server_error',
        message: expect.stringMatching(
          new RegExp(
            `^503 the connection to the NATS server \\(127\\.0\\.0\\.1:\\d+\\) was lost \\d+ ms ago and is not back; requests wait for it up to nats\\.outage_wait_ms \\(${OUTAGE_WAIT_MS} ms\\)$`,
          ),
        ),
      });
      expect(error.headers?.get('retry-after')).toBe('1');
      const waitedMs = performance.now() - askedAt;
      expect(waitedMs).toBeLessThan(OUTAGE_WAIT_MS + SCHEDULING_SLACK_MS);

      const againAt = performance.now();
      await expect(
        ollama.chat({ model: 'llama3.2', messages: hello, stream: false }),
      ).rejects.toMatchObject({
        status_code: 503,
        error: expect.stringContaining('the connection to the NATS server'),
      });
      // Model management reads the fleet registry in JetStream: not "is discovery running?".
      await expect(ollama.delete({ model: 'llama3.2' })).rejects.toMatchObject({
        status_code: 503,
        error: expect.stringContaining('the connection to the NATS server'),
      });
      // Listing the models asks the workers over NATS: no answer is an outage, not an empty fleet.
      await expect(openai.models.list()).rejects.toMatchObject({
        status: 503,
        code: 'nats_unavailable',
      });
      expect(performance.now() - againAt).toBeLessThan(OUTAGE_WAIT_MS);

      link().restore();
      await waitFor(async () => (await fetch(`${fleet.url}/readyz`)).ok, {
        description: 'the gateway to be ready again',
      });
      const completion = await openai.chat.completions.create({
        model: 'llama3.2',
        messages: hello,
      });
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect((await openai.models.list()).data.map((model) => model.id)).toContain(
        'llama3.2:latest',
      );
    },
    TEST_TIMEOUT_MS,
  );
});

/** The OpenAI client's error a call fails with; a call that succeeds fails the test. */
async function apiErrorOf(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
