import { sendText } from '../core/http-io.js';
import type { KindDefinition } from '../core/kind-profile.js';
import { route } from '../core/router.js';
import { handleChat } from './ollama-chat.js';
import { handleEmbed, handleLegacyEmbeddings } from './ollama-embed.js';
import {
  OLLAMA_METHOD_NOT_ALLOWED_PAGE,
  OLLAMA_NOT_FOUND_PAGE,
  renderOllamaError,
} from './ollama-errors.js';
import { handleGenerate } from './ollama-generate.js';
import {
  handleCopy,
  handleDelete,
  handlePs,
  handleRoot,
  handleShow,
  handleTags,
  handleVersion,
} from './ollama-models.js';
import { ollamaCanonicalName } from './ollama-names.js';
import { handleOpenAiChat } from './ollama-openai-chat.js';
import { handleOpenAiCompletions } from './ollama-openai-completions.js';
import {
  handleOpenAiEmbeddings,
  handleOpenAiModel,
  handleOpenAiModels,
} from './ollama-openai-misc.js';
import { handlePull } from './ollama-pull.js';

/** OLLAMA_KEEP_ALIVE's default. */
const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;

/** The route table of the simulated Ollama (reference §1.2). */
const OLLAMA_ROUTES = [
  route(['GET', 'HEAD'], '/', handleRoot),
  route(['GET', 'HEAD'], '/api/version', handleVersion),
  route(['GET', 'HEAD'], '/api/tags', handleTags),
  route('GET', '/api/ps', handlePs),
  route('POST', '/api/show', handleShow),
  route('POST', '/api/generate', handleGenerate),
  route('POST', '/api/chat', handleChat),
  route('POST', '/api/embed', handleEmbed),
  route('POST', '/api/embeddings', handleLegacyEmbeddings),
  route('POST', '/api/pull', handlePull),
  route('DELETE', '/api/delete', handleDelete),
  route('POST', '/api/copy', handleCopy),
  route('POST', '/v1/chat/completions', handleOpenAiChat),
  route('POST', '/v1/completions', handleOpenAiCompletions),
  route('POST', '/v1/embeddings', handleOpenAiEmbeddings),
  route('GET', '/v1/models', handleOpenAiModels),
  route('GET', '/v1/models/*model', handleOpenAiModel),
];

export const OLLAMA_KIND: KindDefinition = {
  canonicalName: ollamaCanonicalName,
  defaultKeepAliveMs: DEFAULT_KEEP_ALIVE_MS,
  preloaded: false,
  installModels: (registry, names) => names.forEach((name) => registry.install(name)),
  createProfile: () => ({
    routes: OLLAMA_ROUTES,
    // gin answers unknown paths and wrong methods in plain text, not JSON.
    notFound: (ctx) => sendText(ctx.res, 404, OLLAMA_NOT_FOUND_PAGE),
    methodNotAllowed: (ctx) => sendText(ctx.res, 405, OLLAMA_METHOD_NOT_ALLOWED_PAGE),
    renderError: (ctx, error) => renderOllamaError(ctx.path, error),
  }),
};
