import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { base64ToFloat32, embedText, type RunningSimulator } from '../src/index.js';
import { postJson, startFastSimulator } from './support/http.js';

// Ollama embeddings: /api/embed (batch, normalised, 2-D), /api/embeddings (legacy, raw) and
// /v1/embeddings (float or base64) all give the same deterministic vectors.
describe('Ollama embeddings', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({ kind: 'ollama', models: ['all-minilm'], seed: 3 });
  });
  afterAll(() => sim.close());
  const model = 'all-minilm:latest';

  it('answers /api/embed with normalised vectors in input order', async () => {
    const body = (await (
      await postJson(`${sim.url}/api/embed`, { model: 'all-minilm', input: ['a', 'b'] })
    ).json()) as Record<string, unknown>;
    expect(body.model).toBe('all-minilm');
    const embeddings = body.embeddings as number[][];
    expect(embeddings).toEqual([
      Array.from(embedText({ seed: 3, model, text: 'a' })),
      Array.from(embedText({ seed: 3, model, text: 'b' })),
    ]);
    expect(body.prompt_eval_count).toBe(2);
    expect(Number.isInteger(body.total_duration)).toBe(true);
    const none = await (
      await postJson(`${sim.url}/api/embed`, { model: 'all-minilm', input: '' })
    ).json();
    expect(none).toEqual({ model: 'all-minilm', embeddings: [] });
    const bad = await postJson(`${sim.url}/api/embed`, { model: 'all-minilm', input: [1] });
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'invalid input type' }]);
  });

  it('answers the legacy endpoint with the raw vector', async () => {
    const body = await (
      await postJson(`${sim.url}/api/embeddings`, { model: 'all-minilm', prompt: 'a' })
    ).json();
    expect(body).toEqual({
      embedding: Array.from(embedText({ seed: 3, model, text: 'a', normalize: false })),
    });
  });

  it('answers /v1/embeddings in base64 that decodes to the float vector', async () => {
    const float = (await (
      await postJson(`${sim.url}/v1/embeddings`, { model: 'all-minilm', input: 'a' })
    ).json()) as {
      data: { embedding: number[] }[];
    };
    const base64 = (await (
      await postJson(`${sim.url}/v1/embeddings`, {
        model: 'all-minilm',
        input: 'a',
        encoding_format: 'base64',
      })
    ).json()) as {
      data: { object: string; index: number; embedding: string }[];
      usage: Record<string, number>;
    };
    expect(Array.from(base64ToFloat32(base64.data[0]?.embedding ?? ''))).toEqual(
      float.data[0]?.embedding,
    );
    expect(base64.usage).toEqual({ prompt_tokens: 1, total_tokens: 1 });
    const bad = await postJson(`${sim.url}/v1/embeddings`, {
      model: 'all-minilm',
      input: 'a',
      encoding_format: 'hex',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe(
      "Invalid value for 'encoding_format' = hex. Supported values: ['float', 'base64'].",
    );
  });
});
