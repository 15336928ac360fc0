import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion, type RunningSimulator } from '../src/index.js';
import { postJson, readSse, startFastSimulator } from './support/http.js';

type Chunk = {
  id: string;
  system_fingerprint: string;
  model: string;
  choices: {
    index: number;
    delta: Record<string, unknown>;
    logprobs: null;
    finish_reason: string | null;
  }[];
  usage?: unknown;
};

// LM Studio's /v1 stream (reference §2.2): OpenAI-shaped SSE, a separate empty-delta finish
// chunk, no usage chunk even when asked, reasoning in `reasoning_content`, tool calls in
// OpenAI fragments.
describe('LM Studio streaming', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({
      kind: 'lmstudio',
      models: ['qwen2.5-7b-instruct', 'qwen3-think-4b'],
    });
  });
  afterAll(() => sim.close());
  const messages = [{ role: 'user', content: 'Hello' }];

  it('streams content then a separate finish chunk, and no usage chunk', async () => {
    const events = await readSse(
      await postJson(`${sim.url}/v1/chat/completions`, {
        model: 'qwen2.5-7b-instruct',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1) as Chunk[];
    const expected = expectedCompletion({ model: 'qwen2.5-7b-instruct', messages });
    expect(chunks).toHaveLength(expected.pieces.length + 1);
    expect(chunks[0]?.choices[0]?.delta).toEqual({
      role: 'assistant',
      content: expected.pieces[0],
    });
    expect(chunks.at(-1)?.choices).toEqual([
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(
      chunks.every((c) => c.usage === undefined && c.system_fingerprint === 'qwen2.5-7b-instruct'),
    ).toBe(true);
    expect(chunks[0]?.id).toMatch(/^chatcmpl-[a-z0-9]{20}$/);
  });

  it('sends reasoning_content before the answer for a thinking model', async () => {
    const events = await readSse(
      await postJson(`${sim.url}/v1/chat/completions`, {
        model: 'qwen3-think-4b',
        messages,
        stream: true,
      }),
    );
    const deltas = (events.slice(0, -2) as Chunk[]).map((c) => c.choices[0]?.delta ?? {});
    const expected = expectedCompletion({ model: 'qwen3-think-4b', messages });
    expect(deltas.filter((d) => 'reasoning_content' in d).map((d) => d.reasoning_content)).toEqual(
      expected.thinkingPieces,
    );
    expect(deltas.filter((d) => 'content' in d).map((d) => d.content)).toEqual(expected.pieces);
  });

  it('streams a tool call as a header fragment then argument fragments', async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'lookup',
          parameters: {
            type: 'object',
            properties: { q: { type: 'string' }, n: { type: 'integer' } },
          },
        },
      },
    ];
    const ask = [{ role: 'user', content: 'lookup something' }];
    const events = await readSse(
      await postJson(`${sim.url}/v1/chat/completions`, {
        model: 'qwen2.5-7b-instruct',
        messages: ask,
        tools,
        stream: true,
      }),
    );
    const chunks = events.slice(0, -1) as Chunk[];
    const calls = chunks
      .slice(0, -1)
      .map((c) => (c.choices[0]?.delta.tool_calls as Record<string, unknown>[])[0]);
    expect(calls[0]).toMatchObject({
      index: 0,
      id: expect.stringMatching(/^\d+$/),
      type: 'function',
      function: { name: 'lookup', arguments: '' },
    });
    const args = calls.map((c) => (c?.function as { arguments: string }).arguments).join('');
    const expected = expectedCompletion({ model: 'qwen2.5-7b-instruct', messages: ask, tools });
    expect(JSON.parse(args)).toEqual(expected.toolCalls[0]?.arguments);
    expect(calls.slice(1).every((c) => Object.keys(c ?? {}).join() === 'index,function')).toBe(
      true,
    );
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });
});
