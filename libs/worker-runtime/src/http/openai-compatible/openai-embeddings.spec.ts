import { describe, expect, it } from '@jest/globals';
import { decodeEmbedding, openAiEmbeddingEvents } from './openai-embeddings.js';

function base64Of(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString('base64');
}

describe('decodeEmbedding', () => {
  it('decodes float arrays and little-endian float32 base64 to the same vector', () => {
    const values = [0.0023, -0.0091, 0.0154, 1];
    expect(Array.from(decodeEmbedding(values))).toEqual(Array.from(Float32Array.from(values)));
    expect(Array.from(decodeEmbedding(base64Of(values)))).toEqual(
      Array.from(Float32Array.from(values)),
    );
    // Known bytes: 1.0f is 00 00 80 3f in little-endian order.
    expect(Array.from(decodeEmbedding('AACAPw=='))).toEqual([1]);
  });

  it('refuses anything else', () => {
    expect(() => decodeEmbedding('AAA=')).toThrow('not a whole number of float32s');
    expect(() => decodeEmbedding({})).toThrow('malformed embedding');
    expect(() => decodeEmbedding([1, 'x'])).toThrow('malformed embedding');
  });
});

describe('openAiEmbeddingEvents', () => {
  it('puts vectors in input order and ends with the prompt tokens', () => {
    // Section 4.6 of the backend reference, with a second input sent out of order.
    const response = {
      object: 'list',
      data: [
        { object: 'embedding', index: 1, embedding: base64Of([0.5]) },
        { object: 'embedding', index: 0, embedding: [0.0023, -0.0091, 0.0154] },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 5, total_tokens: 5 },
    };
    const events = openAiEmbeddingEvents(response, 2);
    expect(
      events.map((e) => (e.type === 'embedding' ? [e.index, Array.from(e.vector)] : e)),
    ).toEqual([
      [0, Array.from(Float32Array.from([0.0023, -0.0091, 0.0154]))],
      [1, [0.5]],
      {
        type: 'end',
        finish_reason: 'stop',
        usage: { prompt_tokens: 5, completion_tokens: 0 },
        model: 'text-embedding-3-small',
      },
    ]);
  });

  it('refuses an answer with a different number of vectors than inputs', () => {
    expect(() => openAiEmbeddingEvents({ data: [{ index: 0, embedding: [1] }] }, 2)).toThrow(
      'the backend returned 1 embeddings for 2 inputs',
    );
  });
});
