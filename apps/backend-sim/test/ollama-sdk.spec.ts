import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ollama } from 'ollama';
import { embedText, expectedCompletion, type RunningSimulator } from '../src/index.js';
import { startFastSimulator } from './support/http.js';
import { collect } from './support/sdk.js';

// The official `ollama` npm client, unmodified, against the Ollama simulator.
describe('the ollama npm client', () => {
  let sim: RunningSimulator;
  let client: Ollama;
  beforeAll(async () => {
    sim = await startFastSimulator({
      kind: 'ollama',
      models: ['llama3.2', 'all-minilm'],
      catalogue: ['qwen3:0.6b'],
    });
    client = new Ollama({ host: sim.url });
  });
  afterAll(() => sim.close());
  const messages = [{ role: 'user', content: 'Hello' }];
  const expected = expectedCompletion({ model: 'llama3.2:latest', messages });

  it('chats, streamed and not', async () => {
    const parts = await collect(await client.chat({ model: 'llama3.2', messages, stream: true }));
    expect(parts.map((p) => p.message.content).join('')).toBe(expected.text);
    expect(parts.at(-1)).toMatchObject({
      done: true,
      done_reason: 'stop',
      eval_count: expected.completionTokens,
    });
    const whole = await client.chat({ model: 'llama3.2', messages });
    expect(whole.message.content).toBe(expected.text);
  });

  it('generates and embeds', async () => {
    const generated = await client.generate({
      model: 'llama3.2',
      prompt: 'Once',
      options: { num_predict: 4 },
    });
    expect(generated).toMatchObject({ done: true, done_reason: 'length', eval_count: 4 });
    expect(generated.response).toBe(
      expectedCompletion({ model: 'llama3.2:latest', prompt: 'Once', maxTokens: 4 }).text,
    );
    const embedded = await client.embed({ model: 'all-minilm', input: 'hi' });
    expect(embedded.embeddings).toEqual([
      Array.from(embedText({ model: 'all-minilm:latest', text: 'hi' })),
    ]);
  });

  it('lists, shows and sees loaded models', async () => {
    expect((await client.list()).models.map((m) => m.name).sort()).toEqual([
      'all-minilm:latest',
      'llama3.2:latest',
    ]);
    expect((await client.show({ model: 'llama3.2' })).capabilities).toEqual([
      'completion',
      'tools',
    ]);
    expect((await client.ps()).models.map((m) => m.name)).toContain('llama3.2:latest');
  });

  it('pulls with progress, then deletes', async () => {
    const progress = await collect(await client.pull({ model: 'qwen3:0.6b', stream: true }));
    expect(progress[0]?.status).toBe('pulling manifest');
    expect(progress.some((p) => p.completed !== undefined && p.completed === p.total)).toBe(true);
    expect(progress.at(-1)?.status).toBe('success');
    expect((await client.list()).models.map((m) => m.name)).toContain('qwen3:0.6b');
    expect(await client.delete({ model: 'qwen3:0.6b' })).toEqual({ status: 'success' });
    await expect(client.delete({ model: 'qwen3:0.6b' })).rejects.toMatchObject({
      status_code: 404,
    });
  });
});
