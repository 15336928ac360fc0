import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS, SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

/** An answer of some three seconds: long enough to cut the gateway off in the middle of it. */
const ANSWER_TOKENS = 60;
const TOKENS_PER_SECOND = 20;
const OUTAGE_WAIT_MS = 2_000 + SCHEDULING_SLACK_MS;
/** Longer than the test runs: a stream that waited for its idle timeout would fail it. */
const STREAM_IDLE_TIMEOUT_MS = 120_000;

const messages = [{ role: 'user' as const, content: 'Tell me a story.' }];

// What a worker sends while the gateway's connection to NATS is down never reaches the gateway
// (core NATS keeps nothing for a subscription that is not there); the worker's link stays up, as
// when the gateway's node of a cluster dies. The gateway asks for the lost frames once it is back.
describe("an answer streaming across a drop of the gateway's NATS connection", () => {
  let fleet: Fleet;
  let openai: OpenAI;
  /** What the simulator answers. */
  let expected: string;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [
        {
          kind: 'ollama',
          sim: { tokensPerSecond: TOKENS_PER_SECOND, answerTokens: ANSWER_TOKENS },
        },
      ],
      gatewayLink: true,
      gateway: { stream_idle_timeout_ms: STREAM_IDLE_TIMEOUT_MS },
      config: { nats: { reconnect_wait_ms: 50, outage_wait_ms: OUTAGE_WAIT_MS } },
    });
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    expected = expectedCompletion({
      model: 'llama3.2:latest',
      messages,
      answerTokens: ANSWER_TOKENS,
    }).text;
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it(
    'reaches the client whole and in order',
    async () => {
      const link = fleet.gatewayLink;
      if (link === undefined) throw new Error('the fleet has no gateway link');
      const stream = await openai.chat.completions.create({
        model: 'llama3.2',
        messages,
        stream: true,
      });
      let text = '';
      let finish: string | null | undefined;
      let cut = false;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (!cut && text.length > 0) {
          cut = true;
          // Some ten tokens go out while the gateway is cut off.
          link.cut();
          await waitFor(async () => (await fetch(`${fleet.url}/readyz`)).status === 503, {
            description: 'the gateway to see NATS gone',
          });
          await sleep(500);
          link.restore();
        }
      }
      expect(cut).toBe(true);
      expect(finish).toBe('stop');
      expect(text).toBe(expected);
    },
    OUTAGE_WAIT_MS + 30_000,
  );
});
