import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthenticationError, BadRequestError, NotFoundError, type OpenAI } from 'openai';
import { embedText, expectedCompletion, type RunningSimulator } from '../src/index.js';
import { startFastSimulator } from './support/http.js';
import { openAiClient, streamChatAskingUsage } from './support/openai-client.js';

// The official `openai` npm client, unmodified, against vLLM's /v1 (with --api-key).
describe('the openai npm client on vLLM /v1', () => {
  let chat: RunningSimulator;
  let embed: RunningSimulator;
  let client: OpenAI;
  const model = 'my-model';
  const embedder = 'BAAI/bge-small-en';
  const connect = (sim: RunningSimulator, apiKey = 'sk-test') => openAiClient(sim, apiKey);
  beforeAll(async () => {
    [chat, embed] = await Promise.all([
      startFastSimulator({ kind: 'vllm', models: [model], apiKey: 'sk-test', contextLength: 256 }),
      startFastSimulator({ kind: 'vllm', models: [embedder] }),
    ]);
    client = connect(chat);
  });
  afterAll(() => Promise.all([chat.close(), embed.close()]));
  const messages = [{ role: 'user' as const, content: 'Hello' }];
  const expected = expectedCompletion({ model, messages });

  it('streams chat with the usage chunk vLLM sends for include_usage', async () => {
    const chunks = await streamChatAskingUsage(client, model, messages);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(expected.text);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: expected.completionTokens });
  });

  it('answers chat whole, embeds with the default base64 encoding, lists models', async () => {
    const whole = await client.chat.completions.create({ model, messages });
    expect([whole.model, whole.choices[0]?.message.content]).toEqual([model, expected.text]);
    const embedded = await connect(embed, 'unused').embeddings.create({
      model: embedder,
      input: 'hi',
    });
    expect(embedded.data[0]?.embedding).toEqual(
      Array.from(embedText({ model: embedder, text: 'hi' })),
    );
    expect((await client.models.list()).data.map((m) => m.id)).toEqual([model]);
  });

  it('raises NotFoundError, BadRequestError (context too long) and AuthenticationError', async () => {
    await expect(
      client.chat.completions.create({ model: 'nope', messages }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      client.chat.completions.create({ model, messages, max_tokens: 1000 }),
    ).rejects.toBeInstanceOf(BadRequestError);
    await expect(
      connect(chat, 'wrong').chat.completions.create({ model, messages }),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });
});
