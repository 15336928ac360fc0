import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  countTokens,
  expectedEmbedding,
  startSimulator,
  type RunningSimulator,
} from '@switchyard/backend-sim';
import { collect } from '@switchyard/testing';
import type { GenerationEvent } from '@switchyard/worker-runtime';
import { OllamaAdapter } from '../src/index.js';

const MODEL = 'all-minilm:latest';
/**
 * Ollama answers a batch as one JSON body of float numbers, which the worker reads whole up to a
 * bound (64 MiB; 4 MiB here, so that a small model's batch stands for a big model's): 2048
 * inputs of 384 numbers are some 15 MB, as 2048 inputs of a 4096-dimension model are past 64 MiB.
 */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

describe('an Ollama embedding batch whose answer is bigger than the worker reads at once', () => {
  let sim: RunningSimulator;
  let adapter: OllamaAdapter;

  beforeAll(async () => {
    sim = await startSimulator({ kind: 'ollama', port: 0, tokensPerSecond: 0, loadMs: 0 });
    adapter = new OllamaAdapter({ maxResponseBytes: MAX_RESPONSE_BYTES });
  });
  afterAll(async () => {
    await adapter?.close();
    await sim?.close();
  });

  it('is embedded whole, every vector at its input index, the prompt tokens summed', async () => {
    const input = Array.from({ length: 2048 }, (_, i) => `passage ${i} of the handbook`);
    const events: GenerationEvent[] = await collect(
      adapter.embed(
        { id: 'ollama-sim', url: sim.url },
        { id: 'r', model: MODEL, input },
        AbortSignal.timeout(60_000),
      ),
    );

    const vectors = events.flatMap((event) => (event.type === 'embedding' ? [event] : []));
    expect(vectors.map((event) => event.index)).toEqual(input.map((_, i) => i));
    for (const [i, text] of input.entries()) {
      expect(vectors[i]?.vector).toEqual(expectedEmbedding({ model: MODEL, text }));
    }
    expect(events.at(-1)).toMatchObject({
      type: 'end',
      finish_reason: 'stop',
      usage: {
        prompt_tokens: input.reduce((sum, text) => sum + countTokens(text), 0),
        completion_tokens: 0,
      },
    });
    // The backend's time over its calls, as the Ollama API's `total_duration` reports it.
    expect(events.at(-1)).toMatchObject({
      timings: { source: 'backend', total_ms: expect.any(Number), load_ms: expect.any(Number) },
    });
  }, 60_000);
});
