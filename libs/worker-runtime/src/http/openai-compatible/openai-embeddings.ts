import { SwitchyardError } from '@switchyard/contracts';
import type { EmbeddingEvent, EndEvent } from '../../backend-adapter.js';
import type { OpenAiEmbeddingResponse } from './openai-wire.types.js';

/**
 * One embedding as OpenAI-compatible servers send it: an array of numbers (`float`) or the
 * base64 of little-endian float32 values (`base64`, what the official SDKs ask for).
 */
export function decodeEmbedding(value: unknown): Float32Array {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length % 4 !== 0) throw malformed('its base64 is not a whole number of float32s');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const vector = new Float32Array(bytes.length / 4);
    for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, true);
    return vector;
  }
  if (Array.isArray(value) && value.every((x) => typeof x === 'number')) {
    return Float32Array.from(value as number[]);
  }
  throw malformed('it is neither an array of numbers nor base64');
}

/**
 * The events of an embeddings answer: one vector per input, in input order (by `index`, which
 * servers need not send in order), then the end with the prompt tokens counted.
 */
export function openAiEmbeddingEvents(
  raw: unknown,
  inputCount: number,
): [...EmbeddingEvent[], EndEvent] {
  const response = (raw ?? {}) as OpenAiEmbeddingResponse;
  const data = Array.isArray(response.data) ? response.data : [];
  if (data.length !== inputCount) {
    throw new SwitchyardError(
      'backend_error',
      `the backend returned ${data.length} embeddings for ${inputCount} inputs`,
    );
  }
  const vectors: EmbeddingEvent[] = data
    .map((item, position) => ({
      type: 'embedding' as const,
      index: item.index ?? position,
      vector: decodeEmbedding(item.embedding),
    }))
    .sort((a, b) => a.index - b.index);
  const end: EndEvent = {
    type: 'end',
    finish_reason: 'stop',
    usage: { prompt_tokens: response.usage?.prompt_tokens ?? 0, completion_tokens: 0 },
    ...(typeof response.model === 'string' ? { model: response.model } : {}),
  };
  return [...vectors, end];
}

function malformed(why: string): SwitchyardError {
  return new SwitchyardError('backend_error', `the backend sent a malformed embedding: ${why}`);
}
