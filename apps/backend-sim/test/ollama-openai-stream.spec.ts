import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion, type RunningSimulator } from '../src/index.js';
import { postJson, readSse, startFastSimulator } from './support/http.js';

type Chunk = {
  id: string;
  object: string;
  created: number;
  system_fingerprint: string;
  choices: { index: number; delta: Record<string, unknown>; finish_reason: string | null }[];
  usage?: Record<string, number>;
};

// Ollama's /v1 layer (reference §1.10): role on the first chunk, a separate finish chunk, a
// usage chunk only with include_usage, reasoning in `reasoning`, errors in the OpenAI envelope.
describe('Ollama /v1', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({ kind: 'ollama', models: ['llama3.2', 'deepthink:1b'] });
  });
  afterAll(() => sim.close());
  const messages = [{ role: 'user', content: 'Hi' }];

  it('streams chat chunks with a separate finish chunk and an include_usage chunk', async () => {
    const response = await postJson(`${sim.url}/v1/chat/completions`, {
      model: 'llama3.2',
      messages,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 4,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readSse(response);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1) as Chunk[];
    const expected = expectedCompletion({ model: 'llama3.2:latest', messages, maxTokens: 4 });
    expect(chunks[0]?.choices[0]?.delta).toEqual({
      role: 'assistant',
      content: expected.pieces[0],
    });
    expect(chunks.slice(1, 4).map((c) => c.choices[0]?.delta)).toEqual(
      expected.pieces.slice(1).map((content) => ({ content })),
    );
    expect(chunks[4]?.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'length' }]);
    expect(chunks[5]).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: expected.promptTokens,
        completion_tokens: 4,
        total_tokens: expected.promptTokens + 4,
      },
    });
    expect(new Set(chunks.map((c) => `${c.id} ${c.created} ${c.system_fingerprint}`)).size).toBe(1);
    expect(chunks[0]?.id).toMatch(/^chatcmpl-\d{1,3}$/);
    expect(chunks.slice(0, 5).every((c) => !('usage' in c))).toBe(true);
  });

  it('sends reasoning in the `reasoning` field and answers non-streamed requests whole', async () => {
    const body = (await (
      await postJson(`${sim.url}/v1/chat/completions`, { model: 'deepthink:1b', messages })
    ).json()) as {
      choices: { message: Record<string, unknown>; finish_reason: string }[];
      usage: Record<string, number>;
    };
    const expected = expectedCompletion({ model: 'deepthink:1b', messages });
    expect(body.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: expected.text, reasoning: expected.thinking },
      finish_reason: 'stop',
    });
    expect(body.usage.completion_tokens).toBe(expected.completionTokens);
  });

  it('streams legacy completions with zero usage on every chunk when usage is asked for', async () => {
    const events = await readSse(
      await postJson(`${sim.url}/v1/completions`, {
        model: 'llama3.2',
        prompt: 'Once',
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    const chunks = events.slice(0, -1) as (Chunk & { choices: { text: string }[] })[];
    const expected = expectedCompletion({ model: 'llama3.2:latest', prompt: 'Once' });
    expect(chunks.slice(0, -2).map((c) => c.choices[0]?.text)).toEqual(expected.pieces);
    expect(chunks.slice(0, -1).every((c) => c.usage?.total_tokens === 0)).toBe(true);
    expect(chunks.at(-2)?.choices[0]).toMatchObject({ text: '', finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({
      object: 'text_completion',
      choices: [],
      usage: { completion_tokens: 16 },
    });
  });

  it('wraps errors in the OpenAI envelope with Ollama type names', async () => {
    const missing = await postJson(`${sim.url}/v1/chat/completions`, { model: 'nope', messages });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: {
        message: "model 'nope' not found",
        type: 'not_found_error',
        param: null,
        code: null,
      },
    });
    const empty = await postJson(`${sim.url}/v1/chat/completions`, {
      model: 'llama3.2',
      messages: [],
    });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({
      error: { message: "[] is too short - 'messages'", type: 'invalid_request_error' },
    });
    const array = await postJson(`${sim.url}/v1/completions`, { model: 'llama3.2', prompt: ['a'] });
    expect(array.status).toBe(400);
  });

  it('lists models as OpenAI cards owned by the namespace, and null data when none', async () => {
    const list = (await (await fetch(`${sim.url}/v1/models`)).json()) as {
      object: string;
      data: Record<string, unknown>[];
    };
    expect(list.object).toBe('list');
    expect(list.data.map((m) => m.id).sort()).toEqual(['deepthink:1b', 'llama3.2:latest']);
    expect(list.data[0]).toEqual({
      id: expect.any(String),
      object: 'model',
      created: expect.any(Number),
      owned_by: 'library',
    });
    const empty = await startFastSimulator({ kind: 'ollama', models: ['x'] });
    try {
      empty.removeModel('x');
      expect(await (await fetch(`${empty.url}/v1/models`)).json()).toEqual({
        object: 'list',
        data: null,
      });
    } finally {
      await empty.close();
    }
  });
});
