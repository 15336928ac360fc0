import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS, SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const PRIMARY = 'llama3.2:latest';
const FALLBACK = 'Qwen/Qwen2.5-0.5B-Instruct';
const messages = [{ role: 'user' as const, content: 'Pick a number.' }];

describe('routing: retries, fallbacks and aliases', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama' }, { kind: 'vllm' }],
      gateway: {
        aliases: { 'gpt-4o': PRIMARY, fast: `vllm/${FALLBACK}` },
        fallbacks: { [PRIMARY]: [FALLBACK] },
        retries: { max_attempts: 2, initial_backoff_ms: 5, max_backoff_ms: 20 },
        request_timeout_ms: 1_000,
      },
    });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('answers from the fallback model when the first fails before its first token', async () => {
    const ollama = fleet.sim('ollama');
    const vllm = fleet.sim('vllm');
    ollama.resetStats();
    vllm.resetStats();
    ollama.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      const stream = await client.chat.completions.create({
        model: PRIMARY,
        messages,
        stream: true,
      });
      let text = '';
      let model = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        model = chunk.model;
      }
      expect(text).toBe(expectedCompletion({ model: FALLBACK, messages }).text);
      expect(model).toBe(FALLBACK);
      expect(ollama.stats().received).toBe(2);
      expect(vllm.stats().completed).toBe(1);
    } finally {
      ollama.clearFaults();
    }
  });

  it('resolves aliases, including one that pins a kind', async () => {
    const viaAlias = await client.chat.completions.create({ model: 'gpt-4o', messages });
    expect(viaAlias.choices[0]?.message.content).toBe(
      expectedCompletion({ model: PRIMARY, messages }).text,
    );
    const pinned = await client.chat.completions.create({ model: 'fast', messages });
    expect(pinned.model).toBe(FALLBACK);
  });

  it('lists the aliases with the models they route to, for clients that pick from the list', async () => {
    const listed = [];
    for await (const model of client.models.list()) listed.push(model);
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'gpt-4o', kinds: ['ollama'] }),
        expect.objectContaining({ id: 'fast', kinds: ['vllm'] }),
      ]),
    );
    expect(await client.models.retrieve('gpt-4o')).toMatchObject({ id: 'gpt-4o' });
  });

  it('gives up at the request deadline with 504, cancels upstream, and does not fall back', async () => {
    const ollama = fleet.sim('ollama');
    const vllm = fleet.sim('vllm');
    ollama.resetStats();
    vllm.resetStats();
    ollama.setFaults({ hangMs: -1 });
    try {
      const started = performance.now();
      const call = client.chat.completions.create({ model: PRIMARY, messages });
      await expect(call).rejects.toMatchObject({ status: 504, code: 'timeout' });
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(2_500 + SCHEDULING_SLACK_MS);
      await waitFor(() => ollama.stats().aborted === 1, { description: 'the backend to be told' });
      expect(vllm.stats().received).toBe(0);
    } finally {
      ollama.clearFaults();
    }
  });
});
