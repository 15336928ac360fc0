import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  countTokens,
  expectedEmbedding,
  startSimulator,
  type RunningSimulator,
} from '@switchyard/backend-sim';
import { collect } from '@switchyard/testing';
import type { GenerationEvent } from '@switchyard/worker-runtime';
import { LmStudioAdapter } from '../src/index.js';

const MODEL = 'text-embedding-nomic-embed-text-v1.5';
/**
 * LM Studio answers a batch as one JSON body of float numbers, which the worker reads whole up to a
 * bound (64 MiB; 4 MiB here, so that a small model's batch stands for a big model's): 2048
 * inputs of 768 numbers are some 30 MB, as 2048 inputs of a 4096-dimension model are past 64 MiB.
 */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

describe('an LM Studio embedding batch whose answer is bigger than the worker reads at once', () => {
  let sim: RunningSimulator;
  let adapter: LmStudioAdapter;

  beforeAll(async () => {
    sim = await startSimulator({ kind: 'lmstudio', port: 0, tokensPerSecond: 0, loadMs: 0 });
    adapter = new LmStudioAdapter({ maxResponseBytes: MAX_RESPONSE_BYTES });
  });
  afterAll(async () => {
    await adapter?.close();
    await sim?.close();
  });

  it('is embedded whole, every vector at its input index, the prompt tokens summed', async () => {
    const input = Array.from({ length: 2048 }, (_, i) => `passage ${i} of the handbook`);
    const events: GenerationEvent[] = await collect(
      adapter.embed(
        { id: 'lmstudio-sim', url: sim.url },
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
  }, 60_000);
});
