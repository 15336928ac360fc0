import type { ModelRegistry } from './model-registry.js';
import type { RequestContext, Route } from './router.js';
import type { SimContext } from './sim-context.js';
import type { SimHttpError } from './sim-errors.js';

/** What makes one simulator an Ollama, an LM Studio or a vLLM: routes, quirks and error shapes. */
export interface KindProfile {
  routes: readonly Route[];
  /** Answers a path no route knows (gin's text 404, LM Studio's 200, FastAPI's JSON 404). */
  notFound(ctx: RequestContext): void;
  /** Answers a known path with a method it does not take. */
  methodNotAllowed(ctx: RequestContext): void;
  /** Shapes anything a handler threw that is not already a SimHttpError (bad bodies, bugs). */
  renderError(ctx: RequestContext, error: unknown): SimHttpError;
  /** Runs before routing; returns true when it has answered (vLLM's --api-key check). */
  intercept?(ctx: RequestContext): boolean;
}

export interface KindDefinition {
  /** The canonical form of a model name (Ollama appends `:latest`). */
  canonicalName(name: string): string;
  /** How long an idle model stays loaded after a request; negative = forever. */
  defaultKeepAliveMs: number;
  /** Installs the `--models` (vLLM: one model, the other names are its aliases). */
  installModels(registry: ModelRegistry, names: readonly string[]): void;
  /** Whether the installed models are loaded before the server listens (vLLM). */
  preloaded: boolean;
  createProfile(sim: SimContext): KindProfile;
}
