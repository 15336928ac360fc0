import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  expectedCompletion,
  type GenerationQuery,
  type RunningSimulator,
  type TokenLogprob,
} from '../src/index.js';
import { postJson, readNdjson, readSse, startFastSimulator } from './support/http.js';

const messages = [{ role: 'user', content: 'Tell me about the sea.' }];
const prompt = 'Once upon a time';
const model = 'llama3.2:latest';

/** Ollama's `api.Logprob`: `top_logprobs` left out when empty (Go `omitempty`). */
const ollamaEntry = ({ top_logprobs: top, ...token }: TokenLogprob) =>
  top.length > 0 ? { ...token, top_logprobs: top } : token;

const expected = (query: Omit<GenerationQuery, 'model'>) => {
  const plan = expectedCompletion({ model, ...query });
  return { plan, entries: (plan.logprobs ?? []).map(ollamaEntry) };
};

// Ollama (0.12.11 and later) answers `logprobs: true` with the log-probability of every token,
// and of `top_logprobs` (0-20) alternatives at its position: each streamed line carries the
// entries of its own tokens, a whole answer all of them, on /api/chat, /api/generate and /v1.
describe('Ollama logprobs', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({ kind: 'ollama' });
  });
  afterAll(() => sim.close());
  const post = (path: string, body: Record<string, unknown>) =>
    postJson(`${sim.url}${path}`, { model: 'llama3.2', ...body });

  it('/api/chat streams each token with its entry, and answers whole with all of them', async () => {
    const { plan, entries } = expected({ messages, logprobs: 3 });
    const lines = await readNdjson(
      await post('/api/chat', { messages, logprobs: true, top_logprobs: 3 }),
    );
    const text = lines.slice(0, -1);
    expect(text.map((line) => (line.message as { content: string }).content)).toEqual(plan.pieces);
    expect(text.map((line) => line.logprobs)).toEqual(entries.map((entry) => [entry]));
    expect(lines.at(-1)).not.toHaveProperty('logprobs');

    const whole = await (
      await post('/api/chat', { messages, logprobs: true, stream: false })
    ).json();
    expect(whole).toMatchObject({
      message: { content: plan.text },
      logprobs: expected({ messages, logprobs: 0 }).entries,
    });
    expect((whole as { logprobs: object[] }).logprobs[0]).not.toHaveProperty('top_logprobs');

    // Without logprobs: true nothing changes, whatever top_logprobs says.
    const plain = await readNdjson(await post('/api/chat', { messages, top_logprobs: 5 }));
    expect(plain.filter((line) => 'logprobs' in line)).toEqual([]);
  });

  it('/api/generate cuts the entries where num_predict cuts the answer', async () => {
    const { plan, entries } = expected({ prompt, maxTokens: 4, logprobs: 2 });
    const body = { prompt, logprobs: true, top_logprobs: 2, options: { num_predict: 4 } };
    const lines = await readNdjson(await post('/api/generate', body));
    expect(lines.flatMap((line) => line.logprobs ?? [])).toEqual(entries);
    expect(lines.map((line) => line.response).join('')).toBe(plan.text);
    const whole = await (await post('/api/generate', { ...body, stream: false })).json();
    expect(whole).toMatchObject({ response: plan.text, done_reason: 'length', logprobs: entries });
    const plain = await (await post('/api/generate', { prompt, stream: false })).json();
    expect(plain).not.toHaveProperty('logprobs');
  });

  it('/v1/chat/completions wraps the same entries as {"content": [...]}', async () => {
    const { plan, entries } = expected({ messages, logprobs: 1 });
    const body = { messages, logprobs: true, top_logprobs: 1 };
    const whole = (await (await post('/v1/chat/completions', body)).json()) as {
      choices: unknown[];
    };
    expect(whole.choices[0]).toMatchObject({ logprobs: { content: entries } });
    const events = await readSse(await post('/v1/chat/completions', { ...body, stream: true }));
    const chunks = events.slice(0, -1) as { choices: { logprobs?: unknown }[] }[];
    expect(chunks.slice(0, plan.pieces.length).map((chunk) => chunk.choices[0]?.logprobs)).toEqual(
      entries.map((entry) => ({ content: [entry] })),
    );
    expect(chunks.at(-1)?.choices[0]).not.toHaveProperty('logprobs');
    const plain = (await (await post('/v1/chat/completions', { messages })).json()) as {
      choices: object[];
    };
    expect(plain.choices[0]).not.toHaveProperty('logprobs');
  });

  it('refuses top_logprobs outside 0-20 and fields of the wrong type, as Ollama words it', async () => {
    for (const top of [21, -1]) {
      const chat = await post('/api/chat', { messages, logprobs: true, top_logprobs: top });
      expect([chat.status, await chat.json()]).toEqual([
        400,
        { error: 'top_logprobs must be between 0 and 20' },
      ]);
    }
    const generate = await post('/api/generate', { prompt, top_logprobs: 2.5 });
    expect([generate.status, await generate.json()]).toEqual([
      400,
      {
        error:
          'json: cannot unmarshal number 2.5 into Go struct field GenerateRequest.top_logprobs of type int',
      },
    ]);
    const v1 = await post('/v1/chat/completions', { messages, logprobs: true, top_logprobs: 21 });
    expect([v1.status, await v1.json()]).toEqual([
      400,
      {
        error: {
          message: 'top_logprobs must be between 0 and 20',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      },
    ]);
  });
});
