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
import { translateVllmError } from './vllm-errors.js';
import { vllmManagement } from './vllm-management.capability.js';
import { toVllmModelInfos } from './vllm-models.translator.js';
import {
  toVllmChatBody,
  toVllmCompletionBody,
  toVllmEmbeddingBody,
} from './vllm-request.translator.js';
import type { VllmModelCard } from './vllm-wire.types.js';

/**
 * vLLM through its OpenAI-compatible server: chat and completions stream as SSE with a usage
 * chunk (the finish reason rides on the last text chunk; its text is emitted before the end),
 * or come as one body for a caller that joins the answer anyway (`stream: false`),
 * embeddings come as base64, models from `/v1/models`.
 */
export class VllmAdapter implements BackendAdapter {
  readonly kind = 'vllm' as const;
  /**
   * vLLM batches continuously and queues beyond `--max-num-seqs` itself; this many at once keeps
   * a batch full while leaving the queueing (and its deadlines) to the worker.
   */
  readonly defaultMaxConcurrency = 64;
  /** The client, shared with the model management functions. */
  readonly http: BackendHttpClient;
  readonly management: BackendManagement;

  constructor(options: Omit<BackendHttpClientOptions, 'translateError'> = {}) {
    this.http = new BackendHttpClient({ ...options, translateError: translateVllmError });
    this.management = vllmManagement(this.http);
  }

  async listModels(endpoint: BackendEndpoint, signal: AbortSignal): Promise<ModelInfo[]> {
    return toVllmModelInfos(await listVllmModelCards(this.http, endpoint, signal));
  }

  async *chat(
    endpoint: BackendEndpoint,
    request: ChatRequest,
    signal: AbortSignal,
  ): AsyncGenerator<GenerationEvent> {
    yield* openAiGeneration(this.http, endpoint, {
      path: '/v1/chat/completions',
      json: toVllmChatBody(request),
      mode: 'chat',
      signal,
      translateError: translateVllmError,
    });
  }

  async *complete(
    endpoint: BackendEndpoint,
    request: CompletionRequest,
    signal: AbortSignal,
  ): AsyncGenerator<GenerationEvent> {
    yield* openAiGeneration(this.http, endpoint, {
      path: '/v1/completions',
      json: toVllmCompletionBody(request),
      mode: 'completion',
      signal,
      translateError: translateVllmError,
    });
  }

  async *embed(
    endpoint: BackendEndpoint,
    request: EmbeddingRequest,
    signal: AbortSignal,
  ): AsyncGenerator<GenerationEvent> {
    const json = toVllmEmbeddingBody(request);
    const answer = await this.http.json(endpoint, { path: '/v1/embeddings', json, signal });
    yield* openAiEmbeddingEvents(answer, request.input.length);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** The served model cards, LoRA adapters included (`GET /v1/models`). */
export async function listVllmModelCards(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  signal: AbortSignal,
): Promise<VllmModelCard[]> {
  const answer = await http.json(endpoint, { path: '/v1/models', signal });
  const data = (answer as { data?: unknown } | undefined)?.data;
  return Array.isArray(data) ? (data as VllmModelCard[]) : [];
}
