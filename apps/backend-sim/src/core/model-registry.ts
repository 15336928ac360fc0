import { createHash } from 'node:crypto';
import { fnv1a } from './hashing.js';
import { isEmbeddingModel } from './model-traits.js';
import { sleep } from './timing.js';

/** Go's maximum duration (~292 years): where Ollama puts `expires_at` of a model kept forever. */
const FOREVER_MS = 9_223_372_036_854;

export type ModelState = 'unloaded' | 'loading' | 'loaded';

/** One installed model and its load state. */
export interface SimModel {
  /** Canonical name (Ollama `name:tag`; vLLM its first served name). */
  readonly name: string;
  modifiedAt: number;
  readonly digest: string;
  readonly sizeBytes: number;
  state: ModelState;
  /** When an idle model unloads (ms since epoch); Infinity when never. */
  expiresAt: number;
  /** Requests holding the model loaded right now. */
  inUse: number;
  loading?: Promise<void>;
  expiryTimer?: NodeJS.Timeout;
}

export interface RegistryOptions {
  loadMs: number;
  /** Maps a requested name to its canonical form (Ollama adds `:latest`). */
  canonical: (name: string) => string;
  /** Aborted when the simulator closes: pending loads stop. */
  closing: AbortSignal;
}

/** The installed models of one simulator, their load state and idle expiry. */
export class ModelRegistry {
  private readonly models = new Map<string, SimModel>();
  private readonly aliases = new Map<string, string>();

  constructor(private readonly options: RegistryOptions) {}

  list(): SimModel[] {
    return [...this.models.values()];
  }

  find(requested: string): SimModel | undefined {
    const name = this.options.canonical(requested);
    return this.models.get(this.aliases.get(name) ?? name);
  }

  /** Adds a model as if pulled/downloaded (not loaded). Returns the existing one if present. */
  install(requested: string): SimModel {
    const existing = this.find(requested);
    if (existing) {
      existing.modifiedAt = Date.now();
      return existing;
    }
    const name = this.options.canonical(requested);
    const hash = fnv1a(name);
    const model: SimModel = {
      name,
      modifiedAt: Date.now(),
      digest: createHash('sha256').update(name).digest('hex'),
      // Embedding models are small; others a plausible few GB, stable per name.
      sizeBytes: isEmbeddingModel(name) ? 45_000_000 + (hash % 1_000_000) : 1e9 + (hash % 4e9),
      state: 'unloaded',
      expiresAt: 0,
      inUse: 0,
    };
    this.models.set(name, model);
    return model;
  }

  /** Makes `alias` another accepted name of `model` (vLLM's extra served names). */
  alias(alias: string, model: SimModel): void {
    if (alias !== model.name) this.aliases.set(this.options.canonical(alias), model.name);
  }

  remove(requested: string): boolean {
    const model = this.find(requested);
    if (!model) return false;
    this.unload(model);
    this.models.delete(model.name);
    return true;
  }

  /**
   * Resolves once the model is loaded, loading it first if needed (concurrent callers share one
   * load). Returns the nanoseconds this caller waited.
   */
  async ensureLoaded(model: SimModel): Promise<number> {
    const started = process.hrtime.bigint();
    if (model.state !== 'loaded') {
      if (!model.loading) {
        model.state = 'loading';
        model.loading = sleep(this.options.loadMs, this.options.closing).then(
          () => {
            model.state = 'loaded';
            model.loading = undefined;
          },
          (error: unknown) => {
            model.state = 'unloaded';
            model.loading = undefined;
            throw error;
          },
        );
      }
      await model.loading;
    }
    // Even a loaded model reports a small non-zero load time, as Ollama does.
    return Math.max(1000, Number(process.hrtime.bigint() - started));
  }

  /** Marks a request as using the model: an idle expiry is cancelled while it runs. */
  hold(model: SimModel): void {
    model.inUse++;
    clearTimeout(model.expiryTimer);
  }

  /**
   * Ends a request's use. `keepAliveMs`: how long the model stays loaded once idle; negative
   * keeps it forever, 0 unloads it as soon as no request uses it.
   */
  release(model: SimModel, keepAliveMs: number): void {
    model.inUse = Math.max(0, model.inUse - 1);
    if (model.state !== 'loaded') return;
    this.setExpiry(model, keepAliveMs);
  }

  setExpiry(model: SimModel, keepAliveMs: number): void {
    clearTimeout(model.expiryTimer);
    model.expiryTimer = undefined;
    if (keepAliveMs < 0) {
      model.expiresAt = Date.now() + FOREVER_MS;
      return;
    }
    model.expiresAt = Date.now() + keepAliveMs;
    if (model.inUse > 0) return;
    if (keepAliveMs === 0) {
      this.unload(model);
      return;
    }
    model.expiryTimer = setTimeout(() => this.unload(model), keepAliveMs);
    model.expiryTimer.unref();
  }

  /** Loads a model without a request (LM Studio load, vLLM start-up, Ollama load shortcut). */
  async load(model: SimModel, keepAliveMs: number): Promise<number> {
    this.hold(model);
    try {
      return await this.ensureLoaded(model);
    } finally {
      this.release(model, keepAliveMs);
    }
  }

  unload(model: SimModel): void {
    clearTimeout(model.expiryTimer);
    model.expiryTimer = undefined;
    if (model.state === 'loaded') model.state = 'unloaded';
    model.expiresAt = 0;
  }

  close(): void {
    for (const model of this.models.values()) clearTimeout(model.expiryTimer);
  }
}
