import { describe, expect, it } from '@jest/globals';
import { base64ToFloat32, embedText, float32ToBase64 } from './embeddings.js';
import { embeddingDimension } from './model-traits.js';

describe('embedText', () => {
  it('is deterministic per seed, model and text, with the model dimension', () => {
    const a = embedText({ model: 'all-minilm:latest', text: 'hello' });
    expect(a).toEqual(embedText({ model: 'all-minilm:latest', text: 'hello' }));
    expect(a).not.toEqual(embedText({ model: 'all-minilm:latest', text: 'hello!' }));
    expect(a).not.toEqual(embedText({ seed: 1, model: 'all-minilm:latest', text: 'hello' }));
    expect(a).toHaveLength(embeddingDimension('all-minilm:latest'));
    expect(embedText({ model: 'nomic-embed-text', text: 'x' })).toHaveLength(768);
  });

  it('normalises to unit length unless told not to, and truncates to dimensions', () => {
    const norm = (v: Float32Array) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
    expect(norm(embedText({ model: 'm-embed', text: 't' }))).toBeCloseTo(1, 5);
    expect(norm(embedText({ model: 'm-embed', text: 't', normalize: false }))).toBeGreaterThan(2);
    const short = embedText({ model: 'm-embed', text: 't', dimensions: 8 });
    expect(short).toHaveLength(8);
    expect(norm(short)).toBeCloseTo(1, 5);
  });

  it('encodes little-endian float32 base64 that decodes to the same numbers', () => {
    const vector = embedText({ model: 'm-embed', text: 't' });
    const text = float32ToBase64(vector);
    expect(Buffer.from(text, 'base64').readFloatLE(4)).toBe(vector[1]);
    expect(base64ToFloat32(text)).toEqual(vector);
  });
});
