import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { Ollama } from 'ollama';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

/** The simulator makes a model whose name says "think" a reasoning model. */
const THINKER = 'Qwen/Qwen3-8B-think';
const prompt = 'Why is the sky blue?';

// `ollama.generate` with `think`, through the gateway, with the official ollama client, on a
// reasoning model served by vLLM. vLLM thinks, and reports the reasoning apart, on chats only:
// a generate that asks to think must reach it as a chat, and come back with `thinking`.
describe('Ollama generate with think on a vLLM backend (ollama SDK)', () => {
  let fleet: Fleet;
  let ollama: Ollama;

  beforeAll(async () => {
    fleet = await startFleet({ backends: [{ kind: 'vllm', sim: { models: [THINKER] } }] });
    ollama = new Ollama({ host: fleet.url });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('returns the thinking apart from the answer, whole and streamed', async () => {
    const plan = expectedCompletion({
      model: THINKER,
      messages: [{ role: 'user', content: prompt }],
    });
    expect(plan.thinking.length).toBeGreaterThan(0);

    const whole = await ollama.generate({ model: THINKER, prompt, think: true });
    expect(whole.thinking).toBe(plan.thinking);
    expect(whole.response).toBe(plan.text);

    let thinking = '';
    let response = '';
    const stream = await ollama.generate({ model: THINKER, prompt, think: 'high', stream: true });
    for await (const part of stream) {
      thinking += part.thinking ?? '';
      response += part.response;
    }
    expect(thinking).toBe(plan.thinking);
    expect(response).toBe(plan.text);
  });

  it('leaves a generate without think, or with think false, a plain completion', async () => {
    const plain = expectedCompletion({ model: THINKER, prompt });
    for (const think of [undefined, false]) {
      const answer = await ollama.generate({
        model: THINKER,
        prompt,
        ...(think === undefined ? {} : { think }),
      });
      expect(answer.thinking).toBeUndefined();
      expect(answer.response).toBe(plain.text);
    }
  });

  it('refuses think beside a suffix, which a chat cannot place', async () => {
    await expect(
      ollama.generate({ model: THINKER, prompt, suffix: '.', think: true }),
    ).rejects.toMatchObject({
      status_code: 400,
      error: expect.stringContaining(
        'vLLM applies thinking only to chats, which have no suffix',
      ) as unknown,
    });
  });
});
