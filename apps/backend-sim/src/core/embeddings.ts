import { seededRandom } from './hashing.js';
import { embeddingDimension } from './model-traits.js';

export interface EmbeddingQuery {
  /** The simulator's `--seed` (default 0). */
  seed?: number;
  /** The model's canonical name (Ollama: `name:tag`). */
  model: string;
  text: string;
  /** L2-normalise (every endpoint but Ollama's legacy `/api/embeddings`). Default true. */
  normalize?: boolean;
  /** Keep only the first N values, then re-normalise (the `dimensions` request field). */
  dimensions?: number;
}

/**
 * The embedding of one text: float32 values drawn from a PRNG seeded by (seed, model, text), of
 * the model's fixed dimension. Values are float32 so the JSON floats and the base64 bytes of one
 * vector are the same numbers.
 */
export function embedText(query: EmbeddingQuery): Float32Array {
  const random = seededRandom(query.seed ?? 0, query.model, query.text);
  const full = embeddingDimension(query.model);
  const size = query.dimensions && query.dimensions < full ? query.dimensions : full;
  const values = new Float32Array(size);
  for (let i = 0; i < full; i++) {
    const value = random() * 2 - 1;
    if (i < size) values[i] = value;
  }
  if (query.normalize === false) return values;
  let norm = 0;
  for (const value of values) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < size; i++) values[i] = (values[i] as number) / norm;
  return values;
}

/** Little-endian float32 bytes in base64, as OpenAI's `encoding_format: "base64"` defines it. */
export function float32ToBase64(values: Float32Array): string {
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) bytes.writeFloatLE(values[i] as number, i * 4);
  return bytes.toString('base64');
}

/** The inverse of float32ToBase64, for tests and clients. */
export function base64ToFloat32(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const values = new Float32Array(bytes.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = bytes.readFloatLE(i * 4);
  return values;
}
