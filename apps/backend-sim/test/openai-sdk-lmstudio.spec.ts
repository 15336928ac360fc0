import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BadRequestError, NotFoundError, type OpenAI } from 'openai';
import { embedText, expectedCompletion, type RunningSimulator } from '../src/index.js';
import { startFastSimulator } from './support/http.js';
import { openAiClient, streamChatAskingUsage } from './support/openai-client.js';

// The official `openai` npm client, unmodified, against LM Studio's /v1.
describe('the openai npm client on LM Studio /v1', () => {
  let sim: RunningSimulator;
  let client: OpenAI;
  const model = 'qwen2.5-7b-instruct';
  const embedder = 'text-embedding-nomic-embed-text-v1.5';
  beforeAll(async () => {
    sim = await startFastSimulator({ kind: 'lmstudio', models: [model, embedder] });
    client = openAiClient(sim, 'lm-studio');
  });
  afterAll(() => sim.close());
  const messages = [{ role: 'user' as const, content: 'Hello' }];
  const expected = expectedCompletion({ model, messages });

  it('streams chat without a usage chunk, even when asked for one', async () => {
    const chunks = await streamChatAskingUsage(client, model, messages);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(expected.text);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.every((c) => !c.usage)).toBe(true);
  });

  it('answers chat whole with usage, embeds with the default base64 encoding, lists models', async () => {
    const whole = await client.chat.completions.create({ model, messages });
    expect(whole.choices[0]?.message.content).toBe(expected.text);
    expect(whole.usage?.completion_tokens).toBe(expected.completionTokens);
    const embedded = await client.embeddings.create({ model: embedder, input: ['a', 'b'] });
    expect(embedded.data.map((d) => d.embedding)).toEqual(
      ['a', 'b'].map((text) => Array.from(embedText({ model: embedder, text }))),
    );
    expect((await client.models.list()).data.map((m) => m.id)).toEqual([model, embedder]);
  });

  it('raises NotFoundError and BadRequestError', async () => {
    await expect(
      client.chat.completions.create({ model: 'nope', messages }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      client.chat.completions.create({ model, messages, response_format: { type: 'json_object' } }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });
});
