import type { ModelInfo } from '@switchyard/contracts';
import {
  OpenAiCompatibleAdapter,
  type BackendEndpoint,
  type BackendHttpClient,
  type BackendHttpClientOptions,
  type BackendManagement,
  type OpenAiDialect,
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

/** vLLM's OpenAI-compatible server: the `/v1` routes, vLLM's request fields and error shapes. */
const VLLM_DIALECT: OpenAiDialect = {
  name: 'vLLM',
  paths: { chat: '/v1/chat/completions', completion: '/v1/completions', embed: '/v1/embeddings' },
  translateError: translateVllmError,
  chatBody: toVllmChatBody,
  completionBody: toVllmCompletionBody,
  embeddingBody: toVllmEmbeddingBody,
  echoesPrompt: true,
  refusesMaxTokensBeyondContext: true,
};

/**
 * vLLM through its OpenAI-compatible server: chat and completions stream as SSE with a usage
 * chunk (the finish reason rides on the last text chunk; its text is emitted before the end),
 * or come as one body for a caller that joins the answer anyway (`stream: false`),
 * embeddings come as base64, models from `/v1/models`.
 */
export class VllmAdapter extends OpenAiCompatibleAdapter {
  readonly kind = 'vllm' as const;
  /**
   * vLLM batches continuously and queues beyond `--max-num-seqs` itself; this many at once keeps
   * a batch full while leaving the queueing (and its deadlines) to the worker.
   */
  readonly defaultMaxConcurrency = 64;
  readonly management: BackendManagement;

  constructor(options: Omit<BackendHttpClientOptions, 'translateError'> = {}) {
    super(VLLM_DIALECT, options);
    this.management = vllmManagement(this.http);
  }

  async listModels(endpoint: BackendEndpoint, signal: AbortSignal): Promise<ModelInfo[]> {
    return toVllmModelInfos(await listVllmModelCards(this.http, endpoint, signal));
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
