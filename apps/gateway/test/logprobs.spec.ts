import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion, type GenerationQuery } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { Ollama, type Logprob } from 'ollama';
import OpenAI, { BadRequestError } from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

// The model each simulator serves by default; Ollama and vLLM give log-probabilities.
const MODELS = [
  ['ollama', 'llama3.2:latest'],
  ['vllm', 'Qwen/Qwen2.5-0.5B-Instruct'],
] as const;
const LMSTUDIO_MODEL = 'qwen2.5-7b-instruct';
const messages = [{ role: 'user' as const, content: 'Tell me about the sea.' }];
const prompt = 'The sea is';

/** The simulator's entries for the answer, as a client of either API gets them. */
function planned(query: GenerationQuery, alternatives: number) {
  const plan = expectedCompletion({ ...query, logprobs: alternatives });
  return { text: plan.text, entries: plan.logprobs ?? [] };
}

// Log-probabilities asked on either API reach Ollama and vLLM backends and come back in the
// client's API's shape, whole and streamed, one entry per token of the text; LM Studio cannot
// give them, and its refusal reaches the client as a 400 naming the field.
describe('token log-probabilities through the gateway (openai and ollama SDKs)', () => {
  let fleet: Fleet;
  let openai: OpenAI;
  let ollama: Ollama;

  beforeAll(async () => {
    // Tokens 10 ms apart, so a stream has a chunk per token or few, not one. At 2 ms (500/s) a
    // worker held up for the answer's 32 ms on a loaded machine read it all at once, as one chunk.
    const sim = { tokensPerSecond: 100 };
    fleet = await startFleet({
      backends: [
        { kind: 'ollama', sim },
        { kind: 'vllm', sim },
        { kind: 'lmstudio', sim },
      ],
    });
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    ollama = new Ollama({ host: fleet.url });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it.each(MODELS)('OpenAI chat to %s (%s), whole and streamed', async (_kind, model) => {
    const { text, entries } = planned({ model, messages }, 2);
    expect(entries.length).toBeGreaterThan(1);
    const ask = { model, messages, logprobs: true, top_logprobs: 2 };
    const whole = await openai.chat.completions.create(ask);
    expect(whole.choices[0]?.message.content).toBe(text);
    // Each token with its bytes and its two most likely alternatives (itself first).
    expect(whole.choices[0]?.logprobs).toEqual({ content: entries, refusal: null });

    const streamed: unknown[][] = [];
    for await (const chunk of await openai.chat.completions.create({ ...ask, stream: true })) {
      const content = chunk.choices[0]?.logprobs?.content;
      if (content) streamed.push(content);
    }
    expect(streamed.length).toBeGreaterThan(1);
    expect(streamed.flat()).toEqual(entries);

    // logprobs alone: the chosen tokens', no alternatives.
    const chosen = await openai.chat.completions.create({ model, messages, logprobs: true });
    expect(chosen.choices[0]?.logprobs?.content).toEqual(planned({ model, messages }, 0).entries);
  });

  it.each(MODELS)('OpenAI completion to %s (%s), whole and streamed', async (_kind, model) => {
    const { text, entries } = planned({ model, prompt }, 3);
    const tokens = entries.map((entry) => entry.token);
    const columns = {
      tokens,
      token_logprobs: entries.map((entry) => entry.logprob),
      // The chosen token (the most likely, so first of the alternatives) and the others.
      top_logprobs: entries.map((entry) =>
        Object.fromEntries(entry.top_logprobs.map((top) => [top.token, top.logprob])),
      ),
      // Where each token starts, in characters from the completion's start.
      text_offset: tokens.map((_, i) => [...tokens.slice(0, i).join('')].length),
    };
    const whole = await openai.completions.create({ model, prompt, logprobs: 3 });
    expect(whole.choices[0]?.text).toBe(text);
    expect(whole.choices[0]?.logprobs).toEqual(columns);

    const streamed = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
    let parts = 0;
    const stream = await openai.completions.create({ model, prompt, logprobs: 3, stream: true });
    for await (const chunk of stream) {
      const part = chunk.choices[0]?.logprobs;
      if ((part?.tokens?.length ?? 0) > 0) parts++;
      for (const [column, values] of Object.entries(streamed) as [string, unknown[]][]) {
        values.push(...((part?.[column as keyof typeof part] as unknown[] | undefined) ?? []));
      }
    }
    expect(streamed).toEqual(columns);
    // Offsets ran on across chunks.
    expect(parts).toBeGreaterThan(1);
  });

  it.each(MODELS)('Ollama chat and generate to %s (%s), whole and streamed', async (_k, model) => {
    const ask = { model, logprobs: true, top_logprobs: 1 };
    const chat = { messages };
    const generate = { prompt };
    for (const [query, whole, stream] of [
      [
        chat,
        () => ollama.chat({ ...ask, ...chat }),
        () => ollama.chat({ ...ask, ...chat, stream: true }),
      ],
      [
        generate,
        () => ollama.generate({ ...ask, ...generate }),
        () => ollama.generate({ ...ask, ...generate, stream: true }),
      ],
    ] as const) {
      const { entries } = planned({ model, ...query }, 1);
      expect((await whole()).logprobs).toEqual(entries);
      const streamed: Logprob[][] = [];
      for await (const part of await stream()) if (part.logprobs) streamed.push(part.logprobs);
      expect(streamed.length).toBeGreaterThan(1);
      expect(streamed.flat()).toEqual(entries);
    }
  });

  it('answers a request for logprobs to LM Studio with a 400 naming logprobs', async () => {
    const model = LMSTUDIO_MODEL;
    const chat = openai.chat.completions.create({ model, messages, logprobs: true });
    await expect(chat).rejects.toBeInstanceOf(BadRequestError);
    await expect(chat).rejects.toMatchObject({ status: 400, param: 'logprobs' });
    await expect(openai.completions.create({ model, prompt, logprobs: 0 })).rejects.toMatchObject({
      status: 400,
      param: 'logprobs',
    });
    // Ollama's errors carry a message only; the worker's names what cannot be given.
    await expect(ollama.generate({ model, prompt, logprobs: true })).rejects.toMatchObject({
      status_code: 400,
      error: expect.stringMatching(/log-?prob/i),
    });
    // Not asked, LM Studio answers as ever.
    const plain = await openai.chat.completions.create({ model, messages });
    expect(plain.choices[0]?.logprobs).toBeNull();
  });
});
