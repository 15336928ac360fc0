import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import OpenAI, { APIError } from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const messages = [{ role: 'user' as const, content: 'Say something.' }];

describe('a backend that fails after the answer started', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({ backends: [{ kind: 'ollama' }] });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it.each([['errorAfterTokens'], ['dropAfterTokens']])(
    '%s: the SDK raises, after the first tokens, and nothing is retried',
    async (fault) => {
      const sim = fleet.sim('ollama');
      sim.resetStats();
      sim.setFaults({ [fault]: 3 });
      try {
        const stream = await client.chat.completions.create({
          model: MODEL,
          messages,
          stream: true,
        });
        let text = '';
        const error = await (async () => {
          try {
            for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
            return undefined;
          } catch (thrown) {
            return thrown;
          }
        })();
        expect(error).toBeInstanceOf(APIError);
        expect(text.length).toBeGreaterThan(0);
        expect(sim.stats().received).toBe(1);
      } finally {
        sim.clearFaults();
      }
    },
  );

  it('sends an error event with a top-level error and no [DONE] on the wire', async () => {
    const sim = fleet.sim('ollama');
    sim.setFaults({ errorAfterTokens: 2 });
    try {
      const response = await fetch(`${fleet.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, messages, stream: true }),
      });
      expect(response.status).toBe(200);
      const events = (await response.text()).split('\n\n').filter((event) => event.length > 0);
      expect(events).not.toContain('data: [DONE]');
      const last = JSON.parse((events.at(-1) as string).slice('data: '.length)) as {
        error?: { code: string; message: string };
      };
      expect(last.error?.code).toEqual(expect.any(String));
      expect(last.error?.message.length).toBeGreaterThan(0);
      expect(events.length).toBeGreaterThan(2);
    } finally {
      sim.clearFaults();
    }
  });
});
