import { sendJson } from '../core/http-io.js';
import type { KindDefinition } from '../core/kind-profile.js';
import { route, type RequestContext } from '../core/router.js';
import { handleLmChat } from './lmstudio-chat.js';
import { handleLmCompletions, handleLmEmbeddings } from './lmstudio-completions.js';
import { renderLmStudioError, unexpectedEndpoint } from './lmstudio-errors.js';
import {
  handleLmOpenAiModels,
  handleV0Model,
  handleV0Models,
  handleV1Load,
  handleV1Models,
  handleV1Unload,
  LmDownloads,
} from './lmstudio-models.js';

/** JIT-loaded models stay loaded 60 minutes when idle (LM Studio's default TTL). */
const JIT_TTL_MS = 60 * 60_000;

// Express answers anything it does not route with a 200 and an error body (bug tracker #618).
const unexpected = (ctx: RequestContext) =>
  sendJson(ctx.res, 200, unexpectedEndpoint(ctx.method, ctx.path));

export const LMSTUDIO_KIND: KindDefinition = {
  canonicalName: (name) => name.trim(),
  defaultKeepAliveMs: JIT_TTL_MS,
  preloaded: false,
  installModels: (registry, names) => names.forEach((name) => registry.install(name)),
  createProfile: (sim) => {
    const downloads = new LmDownloads(sim);
    return {
      routes: [
        route('GET', '/v1/models', handleLmOpenAiModels),
        route('POST', '/v1/chat/completions', (ctx) => handleLmChat(ctx, 'v1')),
        route('POST', '/v1/completions', (ctx) => handleLmCompletions(ctx, 'v1')),
        route('POST', '/v1/embeddings', (ctx) => handleLmEmbeddings(ctx, 'v1')),
        route('GET', '/api/v0/models', handleV0Models),
        route('GET', '/api/v0/models/*model', handleV0Model),
        route('POST', '/api/v0/chat/completions', (ctx) => handleLmChat(ctx, 'v0')),
        route('POST', '/api/v0/completions', (ctx) => handleLmCompletions(ctx, 'v0')),
        route('POST', '/api/v0/embeddings', (ctx) => handleLmEmbeddings(ctx, 'v0')),
        route('GET', '/api/v1/models', handleV1Models),
        route('POST', '/api/v1/models/load', handleV1Load),
        route('POST', '/api/v1/models/unload', handleV1Unload),
        route('POST', '/api/v1/models/download', (ctx) => downloads.start(ctx)),
        route('GET', '/api/v1/models/download/status/:job_id', (ctx) => downloads.status(ctx)),
      ],
      notFound: unexpected,
      methodNotAllowed: unexpected,
      renderError: (_ctx, error) => renderLmStudioError(error),
    };
  },
};
