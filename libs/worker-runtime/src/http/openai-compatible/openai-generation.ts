import type { BackendEndpoint, GenerationEvent } from '../../backend-adapter.js';
import type { BackendErrorTranslator } from '../backend-errors.js';
import type { BackendHttpClient } from '../backend-http.client.js';
import { openAiAnswerEvents } from './openai-answer.translator.js';
import { translateOpenAiStream } from './openai-stream.translator.js';

export interface OpenAiGenerationCall {
  /** Path below the endpoint, e.g. `/v1/chat/completions`. */
  path: string;
  /** The request body; `stream: false` in it asks for one whole answer. */
  json: Record<string, unknown>;
  mode: 'chat' | 'completion';
  /** The request's `logprobs`, when it asked for them (see `OpenAiStreamTranslatorOptions`). */
  logprobs?: number | undefined;
  signal: AbortSignal;
  /** The kind's translation of an `error` event in the stream. */
  translateError: BackendErrorTranslator;
  /** What a whole answer's events become, for a kind that reports more there (LM Studio's stats). */
  withAnswer?: (events: GenerationEvent[], answer: unknown) => GenerationEvent[];
}

/**
 * A chat or completion on an OpenAI-compatible server (vLLM, LM Studio): streamed as SSE, or,
 * when the body says `stream: false`, asked for whole and read as one delta. Timing starts
 * before sending, so a model load that holds the headers back counts in the time to first token.
 */
export async function* openAiGeneration(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  call: OpenAiGenerationCall,
): AsyncGenerator<GenerationEvent> {
  const { path, json, mode, logprobs, signal } = call;
  const startedAt = Date.now();
  if (json['stream'] === false) {
    const answer = await http.answer(endpoint, { path, json, signal });
    const events = openAiAnswerEvents(answer, { mode, logprobs, startedAt });
    for (const event of call.withAnswer === undefined ? events : call.withAnswer(events, answer)) {
      yield event;
    }
    return;
  }
  const response = await http.stream(endpoint, { path, json, signal, eventStream: true });
  yield* translateOpenAiStream(response.body, {
    mode,
    logprobs,
    startedAt,
    translateError: call.translateError,
  });
}
