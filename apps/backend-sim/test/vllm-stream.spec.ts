import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion, type RunningSimulator } from '../src/index.js';
import { postJson, readSse, startFastSimulator } from './support/http.js';

type Chunk = {
  choices: {
    index: number;
    delta: Record<string, unknown>;
    finish_reason: string | null;
    stop_reason?: null;
    text?: string;
  }[];
  usage?: Record<string, number>;
};
const MODEL = 'Qwen/Qwen2.5-0.5B-Instruct';

// vLLM's stream (reference §3.5): a role-only first chunk, finish_reason and stop_reason on
// the chunk carrying the last delta, and a usage chunk whenever stream_options is present.
describe('vLLM streaming', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({ kind: 'vllm', models: [MODEL, 'qwen-think'] });
  });
  afterAll(() => sim.close());
  const messages = [{ role: 'user', content: 'Hello' }];

  it('puts finish_reason on the last text chunk and sends usage for stream_options {}', async () => {
    const events = await readSse(
      await postJson(`${sim.url}/v1/chat/completions`, {
        model: MODEL,
        messages,
        stream: true,
        stream_options: {},
        max_tokens: 3,
      }),
    );
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1) as Chunk[];
    const expected = expectedCompletion({ model: MODEL, messages, maxTokens: 3 });
    expect(chunks[0]?.choices).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
    ]);
    expect(chunks.slice(1, 3).map((c) => c.choices[0])).toEqual(
      expected.pieces
        .slice(0, 2)
        .map((content) => ({ index: 0, delta: { content }, logprobs: null, finish_reason: null })),
    );
    expect(chunks[3]?.choices[0]).toEqual({
      index: 0,
      delta: { content: expected.pieces[2] },
      logprobs: null,
      finish_reason: 'length',
      stop_reason: null,
    });
    expect(chunks[4]).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: expected.promptTokens,
        completion_tokens: 3,
        total_tokens: expected.promptTokens + 3,
      },
    });
    expect(chunks).toHaveLength(5);
  });

  it('sends no usage chunk without stream_options or with include_usage false', async () => {
    for (const extra of [{}, { stream_options: { include_usage: false } }]) {
      const events = await readSse(
        await postJson(`${sim.url}/v1/chat/completions`, {
          model: MODEL,
          messages,
          stream: true,
          ...extra,
        }),
      );
      expect(
        (events.slice(0, -1) as Chunk[]).every(
          (c) => c.usage === undefined && c.choices.length === 1,
        ),
      ).toBe(true);
    }
  });

  it('accepts any served name and echoes the first', async () => {
    const events = await readSse(
      await postJson(`${sim.url}/v1/chat/completions`, {
        model: 'qwen-think',
        messages,
        stream: true,
      }),
    );
    const chunks = events.slice(0, -1) as (Chunk & { model: string })[];
    expect(new Set(chunks.map((c) => c.model))).toEqual(new Set([MODEL]));
    // The alias names the same model: it answers as the first name, and does not think.
    const expected = expectedCompletion({ model: MODEL, messages });
    expect(
      chunks
        .slice(1)
        .map((c) => c.choices[0]?.delta.content)
        .join(''),
    ).toBe(expected.text);
  });

  it('streams reasoning_content first for a thinking model, unless enable_thinking is false', async () => {
    const thinker = await startFastSimulator({ kind: 'vllm', models: ['deepseek-think-7b'] });
    try {
      const ask = async (extra: Record<string, unknown>) =>
        (
          (await readSse(
            await postJson(`${thinker.url}/v1/chat/completions`, {
              messages,
              stream: true,
              ...extra,
            }),
          )) as Chunk[]
        )
          .slice(1, -1)
          .map((c) => c.choices[0]?.delta ?? {});
      const expected = expectedCompletion({ model: 'deepseek-think-7b', messages });
      const deltas = await ask({});
      expect(deltas.slice(0, expected.thinkingPieces.length)).toEqual(
        expected.thinkingPieces.map((reasoning_content) => ({ reasoning_content })),
      );
      expect(
        deltas
          .slice(expected.thinkingPieces.length)
          .map((d) => d.content)
          .join(''),
      ).toBe(expected.text);
      const plain = await ask({ chat_template_kwargs: { enable_thinking: false } });
      expect(plain.every((d) => !('reasoning_content' in d))).toBe(true);
    } finally {
      await thinker.close();
    }
  });

  it('streams completions with finish_reason on the last text chunk', async () => {
    const events = await readSse(
      await postJson(`${sim.url}/v1/completions`, {
        model: MODEL,
        prompt: 'Once',
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    const chunks = events.slice(0, -1) as Chunk[];
    const expected = expectedCompletion({ model: MODEL, prompt: 'Once' });
    expect(chunks.slice(0, -1).map((c) => c.choices[0]?.text)).toEqual(expected.pieces);
    expect(chunks.at(-2)?.choices[0]).toMatchObject({ finish_reason: 'stop', stop_reason: null });
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(expected.completionTokens);
  });
});
