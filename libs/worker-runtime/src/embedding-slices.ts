import type { EmbeddingRequest, Timings } from '@switchyard/contracts';
import type { EmbeddingEvent, EndEvent, GenerationEvent } from './backend-adapter.js';

/**
 * Inputs per backend call. Backends answer an embedding batch as one JSON body, which a worker
 * reads whole (`BackendHttpClient`'s `maxResponseBytes`, 64 MiB). Vectors as JSON numbers take
 * 10 to 20 bytes a dimension, so a whole batch of 2048 inputs of a 4096-dimension model is 100 to
 * 170 MB; 256 inputs of it are 13 to 21 MB, and even an 8192-dimension model's fit.
 */
export const EMBEDDING_SLICE_INPUTS = 256;

/**
 * An embedding request in calls of at most `sliceInputs` inputs, one after another: each slice's
 * vectors as events renumbered to the request's inputs, as soon as its answer is read, then one
 * end with the slices' prompt tokens summed, and their load and total times when every slice's
 * backend gave them (else the runtime measures). A request that fits in one call is that call
 * alone.
 */
export async function* embedInSlices(
  request: EmbeddingRequest,
  embedSlice: (
    slice: EmbeddingRequest,
  ) => Promise<readonly (EmbeddingEvent | EndEvent)[]> | readonly (EmbeddingEvent | EndEvent)[],
  sliceInputs = EMBEDDING_SLICE_INPUTS,
): AsyncGenerator<GenerationEvent> {
  if (request.input.length <= sliceInputs) {
    yield* await embedSlice(request);
    return;
  }
  let promptTokens = 0;
  let model: string | undefined;
  const slices: (Timings | undefined)[] = [];
  for (let offset = 0; offset < request.input.length; offset += sliceInputs) {
    const slice = Object.assign({}, request, {
      input: request.input.slice(offset, offset + sliceInputs),
    });
    for (const event of await embedSlice(slice)) {
      if (event.type === 'embedding') {
        yield { type: 'embedding', index: event.index + offset, vector: event.vector };
      } else {
        promptTokens += event.usage.prompt_tokens;
        model ??= event.model;
        slices.push(event.timings);
      }
    }
  }
  const timings = summed(slices);
  const end: EndEvent = {
    type: 'end',
    finish_reason: 'stop',
    usage: { prompt_tokens: promptTokens, completion_tokens: 0 },
    ...(model === undefined ? {} : { model }),
    ...(timings === undefined ? {} : { timings }),
  };
  yield end;
}

/** The backend's load and total times over calls made one after another, when all gave them. */
function summed(slices: readonly (Timings | undefined)[]): Timings | undefined {
  if (!slices.every((timings) => timings?.source === 'backend')) return undefined;
  const timings: Timings = { source: 'backend' };
  for (const field of ['load_ms', 'total_ms'] as const) {
    const values = slices.map((slice) => slice?.[field]);
    if (values.every((value) => value !== undefined)) {
      timings[field] = values.reduce((sum: number, value) => sum + (value ?? 0), 0);
    }
  }
  return timings;
}
