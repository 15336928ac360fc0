import { sendJson } from '../core/http-io.js';
import type { KindDefinition } from '../core/kind-profile.js';
import { route } from '../core/router.js';
import { handleVllmChat } from './vllm-chat.js';
import { handleVllmCompletions } from './vllm-completions.js';
import { handleVllmEmbeddings } from './vllm-embeddings.js';
import { renderVllmError, UNAUTHORIZED_BODY } from './vllm-errors.js';
import {
  handleDetokenize,
  handleHealth,
  handleLoad,
  handleModels,
  handleTokenize,
  handleVersion,
} from './vllm-info-routes.js';
import { VllmMetrics } from './vllm-metrics.js';

export const VLLM_KIND: KindDefinition = {
  canonicalName: (name) => name.trim(),
  // The model is loaded before the server listens and never unloads.
  defaultKeepAliveMs: -1,
  preloaded: true,
  installModels: (registry, names) => {
    const model = registry.install(names[0] as string);
    for (const alias of names.slice(1)) registry.alias(alias, model);
  },
  createProfile: (sim) => {
    const metrics = new VllmMetrics(sim);
    return {
      routes: [
        route('GET', '/health', handleHealth),
        route(['GET', 'POST'], '/ping', handleHealth),
        route('GET', '/version', handleVersion),
        route('GET', '/load', handleLoad),
        route('GET', '/metrics', (ctx) => metrics.handle(ctx)),
        route('GET', '/v1/models', handleModels),
        route('POST', '/v1/chat/completions', handleVllmChat),
        route('POST', '/v1/completions', handleVllmCompletions),
        route('POST', '/v1/embeddings', handleVllmEmbeddings),
        route('POST', '/tokenize', handleTokenize),
        route('POST', '/detokenize', handleDetokenize),
      ],
      notFound: (ctx) => sendJson(ctx.res, 404, { detail: 'Not Found' }),
      methodNotAllowed: (ctx) => sendJson(ctx.res, 405, { detail: 'Method Not Allowed' }),
      renderError: (_ctx, error) => renderVllmError(error),
      // --api-key guards /v1 only; /health, /metrics, /tokenize… stay open.
      intercept: (ctx) => {
        const key = sim.options.apiKey;
        if (!key || !ctx.path.startsWith('/v1')) return false;
        if (ctx.req.headers.authorization === `Bearer ${key}`) return false;
        sendJson(ctx.res, 401, UNAUTHORIZED_BODY);
        return true;
      },
    };
  },
};
