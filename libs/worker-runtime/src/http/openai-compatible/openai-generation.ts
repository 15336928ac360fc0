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
 * Nothing is sent until the events are read.
 */
export function openAiGeneration(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  call: OpenAiGenerationCall,
): AsyncIterable<GenerationEvent> {
  const { path, json, mode, logprobs, signal } = call;
  if (json['stream'] === false) return wholeAnswer(http, endpoint, call);
  const open = () =>
    http.stream(endpoint, { path, json, signal, eventStream: true }).then(({ body }) => body);
  // The stream's own generator, with nothing around it: it is read once per token. Its clock
  // starts as the reading does, before sending.
  return translateOpenAiStream(open, { mode, logprobs, translateError: call.translateError });
}

async function* wholeAnswer(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  call: OpenAiGenerationCall,
): AsyncGenerator<GenerationEvent> {
  const { path, json, mode, logprobs, signal } = call;
  const startedAt = Date.now();
  const answer = await http.answer(endpoint, { path, json, signal });
  const events = openAiAnswerEvents(answer, { mode, logprobs, startedAt });
  for (const event of call.withAnswer === undefined ? events : call.withAnswer(events, answer)) {
    yield event;
  }
}
