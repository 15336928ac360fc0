import type { ModelInfo } from '@switchyard/contracts';
import {
  OpenAiCompatibleAdapter,
  type BackendEndpoint,
  type BackendHttpClientOptions,
  type BackendManagement,
  type OpenAiDialect,
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
 * LM Studio's REST API v0 for generation (which, unlike `/v1`, lists model type and load state
 * and reports stats on a whole answer) and its OpenAI-compatible `/v1/embeddings`.
 */
const LM_STUDIO_DIALECT: OpenAiDialect = {
  name: 'LM Studio',
  paths: {
    chat: '/api/v0/chat/completions',
    completion: '/api/v0/completions',
    embed: '/v1/embeddings',
  },
  translateError: translateLmStudioError,
  chatBody: toLmStudioChatBody,
  completionBody: toLmStudioCompletionBody,
  embeddingBody: toLmStudioEmbeddingBody,
  withAnswer: withLmStudioStats,
  echoesPrompt: false,
};

/**
 * LM Studio through its REST API v0: chat and completions stream as OpenAI-style SSE from
 * `/api/v0/*`, embeddings come from `/v1/embeddings`. Streams carry no usage or stats, so
 * completion tokens are counted from the stream and timings measured by the worker; a
 * non-streamed answer (`stream: false`) has both.
 */
export class LmStudioAdapter extends OpenAiCompatibleAdapter {
  readonly kind = 'lmstudio' as const;
  /** LM Studio's "Max Concurrent Predictions" default; more requests queue inside it. */
  readonly defaultMaxConcurrency = 4;
  readonly management: BackendManagement;

  constructor(options: Omit<BackendHttpClientOptions, 'translateError'> = {}) {
    super(LM_STUDIO_DIALECT, options);
    this.management = lmStudioManagement(this.http);
  }

  async listModels(endpoint: BackendEndpoint, signal: AbortSignal): Promise<ModelInfo[]> {
    const answer = await this.http.json(endpoint, { path: '/api/v0/models', signal });
    const data = (answer as { data?: unknown } | undefined)?.data;
    return toLmStudioModelInfos(Array.isArray(data) ? (data as LmStudioV0Model[]) : []);
  }
}
