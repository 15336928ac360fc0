import type { DeltaFrame, EndFrame } from '@switchyard/contracts';
import { mapped, type ListBody } from '../http/json-pieces.js';

/**
 * Embedding frames as OpenAI's list, for `jsonPieces`: a batch of thousands of vectors is written
 * a vector at a time, never held whole as text. Frames carry each vector as base64 little-endian
 * float32, exactly OpenAI's `base64` encoding, so that passes through untouched; `float` decodes
 * it as it is written.
 */
export function embeddingList(
  model: string,
  deltas: readonly DeltaFrame[],
  end: EndFrame,
  encoding: 'float' | 'base64',
): ListBody {
  const vectors = sortedEmbeddings(deltas);
  return {
    before: { object: 'list' },
    field: 'data',
    items: mapped(vectors, ({ index, b64 }) => ({
      object: 'embedding',
      index,
      embedding: encoding === 'base64' ? b64 : decodeFloat32(b64),
    })),
    after: {
      model,
      usage: { prompt_tokens: end.usage.prompt_tokens, total_tokens: end.usage.prompt_tokens },
    },
  };
}

/** The embeddings the frames carry, in input order. */
export function sortedEmbeddings(
  deltas: readonly DeltaFrame[],
): NonNullable<DeltaFrame['embedding']>[] {
  return deltas
    .flatMap((frame) => (frame.embedding === undefined ? [] : [frame.embedding]))
    .sort((a, b) => a.index - b.index);
}

/** Base64 little-endian float32 as numbers (float32 values widened exactly to doubles). */
export function decodeFloat32(b64: string): number[] {
  const bytes = Buffer.from(b64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: number[] = [];
  for (let offset = 0; offset + 4 <= bytes.byteLength; offset += 4) {
    values.push(view.getFloat32(offset, true));
  }
  return values;
}
