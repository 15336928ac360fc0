import { SwitchyardError } from '@switchyard/contracts';
import type { EmbeddingEvent, EndEvent } from '@switchyard/worker-runtime';
import { ollamaTimings } from './ollama-stream.translator.js';
import type { OllamaEmbedResponse } from './ollama-wire.types.js';

/**
 * An `/api/embed` answer as events: one float32 vector per input in input order (Ollama keeps
 * the order and always answers with a 2-D array), then the end with the prompt tokens.
 */
export function toOllamaEmbeddingEvents(
  raw: unknown,
  inputCount: number,
): [...EmbeddingEvent[], EndEvent] {
  const response = (raw ?? {}) as OllamaEmbedResponse;
  const embeddings = Array.isArray(response.embeddings) ? response.embeddings : [];
  if (embeddings.length !== inputCount) {
    throw new SwitchyardError(
      'backend_error',
      `Ollama returned ${embeddings.length} embeddings for ${inputCount} inputs`,
    );
  }
  const vectors = embeddings.map((vector, index): EmbeddingEvent => {
    if (!Array.isArray(vector) || !vector.every((x) => typeof x === 'number')) {
      throw new SwitchyardError('backend_error', `Ollama sent a malformed embedding at ${index}`);
    }
    return { type: 'embedding', index, vector: Float32Array.from(vector) };
  });
  const end: EndEvent = {
    type: 'end',
    finish_reason: 'stop',
    usage: { prompt_tokens: response.prompt_eval_count ?? 0, completion_tokens: 0 },
    timings: ollamaTimings(response),
    ...(response.model === undefined ? {} : { model: response.model }),
  };
  return [...vectors, end];
}
