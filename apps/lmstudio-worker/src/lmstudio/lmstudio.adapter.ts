import type {
  ChatRequest,
  CompletionRequest,
  EmbeddingRequest,
  ModelInfo,
} from '@switchyard/contracts';
import {
  BackendHttpClient,
  openAiEmbeddingEvents,
  openAiGeneration,
  type BackendAdapter,
  type BackendEndpoint,
  type BackendHttpClientOptions,
  type BackendManagement,
  type GenerationEvent,
} from '@switchyard/worker-runtime';
import { translateLmStudioError } from './lmstudio-errors.js';
import { lmStudioManagement } from './lmstudio-management.capability.js';
import { toLmStudioModelInfos } from './lmstudio-models.translator.js';
import { withLmStudioStats } from './lmstudio-stats.translator.js';
import {
  toLmStudioChatBody,
  toLmStudioCompletionBody,
  toLmStudioEmbeddingBody,
} from './lmstudio-request.translator.js';
import type { LmStudioV0Model } from './lmstudio-wire.types.js';

/**
 * LM Studio through its REST API v0: chat and completions stream as OpenAI-style SSE from
 * `/api/v0/*` (which, unlike `/v1`, lists model type and load state), embeddings come from
 * `/v1/embeddings`. Streams carry no usage or stats, so completion tokens are counted from the
 * stream and timings measured by the worker; a non-streamed answer (`stream: false`) has both.
 */
export class LmStudioAdapter implements BackendAdapter {
  readonly kind = 'lmstudio' as const;
  /** LM Studio's "Max Concurrent Predictions" default; more requests queue inside it. */
  readonly defaultMaxConcurrency = 4;
  /** The client, shared with the model management functions. */
  readonly http: BackendHttpClient;
  readonly management: BackendManagement;

  constructor(options: Omit<BackendHttpClientOptions, 'translateError'> = {}) {
    this.http = new BackendHttpClient({ ...options, translateError: translateLmStudioError });
    this.management = lmStudioManagement(this.http);
  }

  async listModels(endpoint: BackendEndpoint, signal: AbortSignal): Promise<ModelInfo[]> {
    const answer = await this.http.json(endpoint, { path: '/api/v0/models', signal });
    const data = (answer as { data?: unknown } | undefined)?.data;
    return toLmStudioModelInfos(Array.isArray(data) ? (data as LmStudioV0Model[]) : []);
  }

  async *chat(
    endpoint: BackendEndpoint,
    request: ChatRequest,
    signal: AbortSignal,
  ): AsyncGenerator<GenerationEvent> {
    yield* openAiGeneration(this.http, endpoint, {
      path: '/api/v0/chat/completions',
      json: toLmStudioChatBody(request),
      mode: 'chat',
      signal,
      translateError: translateLmStudioError,
      withAnswer: withLmStudioStats,
    });
  }

  async *complete(
    endpoint: BackendEndpoint,
    request: CompletionRequest,
    signal: AbortSignal,
  ): AsyncGenerator<GenerationEvent> {
    yield* openAiGeneration(this.http, endpoint, {
      path: '/api/v0/completions',
      json: toLmStudioCompletionBody(request),
      mode: 'completion',
      signal,
      translateError: translateLmStudioError,
      withAnswer: withLmStudioStats,
    });
  }

  async *embed(
    endpoint: BackendEndpoint,
    request: EmbeddingRequest,
    signal: AbortSignal,
  ): AsyncGenerator<GenerationEvent> {
    const json = toLmStudioEmbeddingBody(request);
    const answer = await this.http.json(endpoint, { path: '/v1/embeddings', json, signal });
    yield* openAiEmbeddingEvents(answer, request.input.length);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
