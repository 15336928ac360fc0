import { describe, expect, it } from '@jest/globals';
import { toOllamaEmbeddingEvents } from './ollama-embed.translator.js';

// POST /api/embed (backend reference, section 1.5), with the vector written out.
const RESPONSE = {
  model: 'all-minilm',
  embeddings: [[0.01, -0.02, 0.03]],
  total_duration: 14143917,
  load_duration: 1019500,
  prompt_eval_count: 8,
};

describe('toOllamaEmbeddingEvents', () => {
  it('yields float32 vectors, then the prompt tokens and timings', () => {
    const [vector, end] = toOllamaEmbeddingEvents(RESPONSE, 1);
    expect(vector).toEqual({
      type: 'embedding',
      index: 0,
      vector: Float32Array.from([0.01, -0.02, 0.03]),
    });
    expect(end).toEqual({
      type: 'end',
      finish_reason: 'stop',
      usage: { prompt_tokens: 8, completion_tokens: 0 },
      timings: { source: 'backend', ttft_ms: 1.0195, load_ms: 1.0195, total_ms: 14.143917 },
      model: 'all-minilm',
    });
  });

  it('refuses an answer whose vectors do not match the inputs', () => {
    expect(() => toOllamaEmbeddingEvents(RESPONSE, 2)).toThrow(
      'Ollama returned 1 embeddings for 2 inputs',
    );
    expect(() => toOllamaEmbeddingEvents({ embeddings: [['x']] }, 1)).toThrow(
      'Ollama sent a malformed embedding at 0',
    );
  });
});
