import {
  SwitchyardError,
  type ChatRequest,
  type CompletionRequest,
  type EmbeddingRequest,
  type ModelInfo,
} from '@switchyard/contracts';
import {
  BackendHttpClient,
  echoingPrompt,
  embedInSlices,
  LineSplitter,
  lazily,
  ndjsonValues,
  type BackendAdapter,
  type BackendEndpoint,
  type BackendHttpClientOptions,
  type BackendManagement,
  type GenerationEvent,
} from '@switchyard/worker-runtime';
import { toOllamaEmbeddingEvents } from './ollama-embed.translator.js';
import { asForcedCall, forcedCall } from './ollama-forced-call.js';
import { translateOllamaError } from './ollama-errors.js';
import { ollamaManagement } from './ollama-management.capability.js';
import { toModelInfos } from './ollama-models.translator.js';
import {
  toOllamaChatBody,
  toOllamaEmbedBody,
  toOllamaGenerateBody,
} from './ollama-request.translator.js';
import { OllamaStreamTranslator } from './ollama-stream.translator.js';
import type { OllamaListedModel, OllamaRunningModel } from './ollama-wire.types.js';

/**
 * Ollama through its native API: chat on `/api/chat`, completions on `/api/generate` (both
 * streamed as NDJSON, or one body for `stream: false`), embeddings on `/api/embed`, models from
 * `/api/tags` and `/api/ps`.
 * The native API (not `/v1`) is used because only it reports load and evaluation timings,
 * passes runtime options such as `num_ctx`, and reports mid-stream errors.
 */
export class OllamaAdapter implements BackendAdapter {
  readonly kind = 'ollama' as const;
  /**
   * Ollama runs `OLLAMA_NUM_PARALLEL` requests per loaded model and queues the rest itself;
   * a few at once keeps several loaded models busy without hiding a long queue inside it.
   */
  readonly defaultMaxConcurrency = 4;
  /** The client, shared with the model management functions. */
  readonly http: BackendHttpClient;
  readonly management: BackendManagement;

  constructor(options: Omit<BackendHttpClientOptions, 'translateError'> = {}) {
    this.http = new BackendHttpClient(
      Object.assign({}, options, { translateError: translateOllamaError }),
    );
    this.management = ollamaManagement(this.http);
  }

  async listModels(endpoint: BackendEndpoint, signal: AbortSignal): Promise<ModelInfo[]> {
    const [tags, running] = await Promise.all([
      this.http.json(endpoint, { path: '/api/tags', signal }),
      this.http.json(endpoint, { path: '/api/ps', signal }),
    ]);
    return toModelInfos(modelsOf<OllamaListedModel>(tags), modelsOf<OllamaRunningModel>(running));
  }

  // Lazily, so that a request the translation refuses fails when read, as every other failure;
  // and with no generator of its own between the stream and the reader (see `generate`).
  chat(
    endpoint: BackendEndpoint,
    request: ChatRequest,
    signal: AbortSignal,
  ): AsyncIterable<GenerationEvent> {
    return lazily(() => {
      const answer = this.generate(endpoint, '/api/chat', toOllamaChatBody(request), signal);
      const forced = forcedCall(request);
      return forced === undefined ? answer : asForcedCall(answer, forced);
    });
  }

  async *complete(
    endpoint: BackendEndpoint,
    request: CompletionRequest,
    signal: AbortSignal,
  ): AsyncGenerator<GenerationEvent> {
    // Ollama's generate has no echo: the worker puts the prompt first.
    yield* echoingPrompt(request, 'Ollama', () =>
      this.generate(endpoint, '/api/generate', toOllamaGenerateBody(request), signal),
    );
  }

  async *embed(
    endpoint: BackendEndpoint,
    request: EmbeddingRequest,
    signal: AbortSignal,
  ): AsyncGenerator<GenerationEvent> {
    // A big batch goes in slices, so that no answer is too big to read whole.
    yield* embedInSlices(request, async (slice) => {
      const json = toOllamaEmbedBody(slice);
      const answer = await this.http.json(endpoint, { path: '/api/embed', json, signal });
      return toOllamaEmbeddingEvents(answer, slice.input.length);
    });
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * Streams the answer, or asks for it whole when the body says `stream: false`: Ollama's
   * non-streamed answer is the stream's `done` line holding the whole message, so the same
   * translator reads it.
   *
   * One generator from the body's bytes to the events, the lines split, parsed and translated a
   * read at a time in between: every generator stacked on a stream costs each of its tokens a
   * few promises (profiled on the OpenAI-compatible kinds: six such layers were a quarter of
   * what a worker allocated under 64 streams).
   */
  private async *generate(
    endpoint: BackendEndpoint,
    path: string,
    json: { stream: boolean },
    signal: AbortSignal,
  ): AsyncGenerator<GenerationEvent> {
    const translator = new OllamaStreamTranslator();
    if (!json.stream) {
      const events = translator.push(await this.http.answer(endpoint, { path, json, signal }));
      if (!translator.done) {
        throw new SwitchyardError('backend_error', 'the Ollama answer is not marked done');
      }
      for (const event of events) yield event;
      return;
    }
    const response = await this.http.stream(endpoint, { path, json, signal });
    const lines = new LineSplitter();
    for await (const chunk of response.body) {
      for (const line of ndjsonValues(lines.push(chunk))) {
        // A loop, not `yield*`: delegating to an array costs a few promises per element.
        for (const event of translator.push(line)) yield event;
        // Nothing follows the done line; leaving now also frees the request at once.
        if (translator.done) return;
      }
    }
    // The body ended: its last line may lack a terminator.
    for (const line of ndjsonValues(lines.end())) {
      for (const event of translator.push(line)) yield event;
    }
    if (translator.done) return;
    throw new SwitchyardError('backend_error', 'the Ollama stream ended before its done line');
  }
}

function modelsOf<T>(answer: unknown): T[] {
  const models = (answer as { models?: unknown } | undefined)?.models;
  return Array.isArray(models) ? (models as T[]) : [];
}
