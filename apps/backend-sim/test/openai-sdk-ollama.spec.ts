import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI, { BadRequestError, NotFoundError } from 'openai';
import { embedText, expectedCompletion, type RunningSimulator } from '../src/index.js';
import { startFastSimulator } from './support/http.js';
import { collect } from './support/sdk.js';

// The official `openai` npm client, unmodified, against Ollama's /v1.
describe('the openai npm client on Ollama /v1', () => {
  let sim: RunningSimulator;
  let client: OpenAI;
  beforeAll(async () => {
    sim = await startFastSimulator({ kind: 'ollama', models: ['llama3.2', 'all-minilm'] });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'ollama', maxRetries: 0 });
  });
  afterAll(() => sim.close());
  const messages = [{ role: 'user' as const, content: 'Hello' }];
  const expected = expectedCompletion({ model: 'llama3.2:latest', messages });

  it('streams chat with the usage chunk Ollama sends for include_usage', async () => {
    const chunks = await collect(
      await client.chat.completions.create({
        model: 'llama3.2',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(expected.text);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: expected.promptTokens,
      completion_tokens: expected.completionTokens,
      total_tokens: expected.promptTokens + expected.completionTokens,
    });
  });

  it('answers chat whole, embeds with the default base64 encoding, and lists models', async () => {
    const whole = await client.chat.completions.create({ model: 'llama3.2', messages });
    expect(whole.choices[0]?.message.content).toBe(expected.text);
    const embedded = await client.embeddings.create({ model: 'all-minilm', input: 'hi' });
    expect(embedded.data[0]?.embedding).toEqual(
      Array.from(embedText({ model: 'all-minilm:latest', text: 'hi' })),
    );
    expect((await client.models.list()).data.map((m) => m.id).sort()).toEqual([
      'all-minilm:latest',
      'llama3.2:latest',
    ]);
  });

  it('raises NotFoundError and BadRequestError', async () => {
    await expect(
      client.chat.completions.create({ model: 'nope', messages }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      client.chat.completions.create({ model: 'llama3.2', messages: [] }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });
});
