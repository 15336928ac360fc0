import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { FaultState, type SimFaults } from './faults.js';
import { ModelRegistry, type SimModel } from './model-registry.js';
import type { RequestContext } from './router.js';
import { QueueFullError, RequestAbortedError, SimHttpError } from './sim-errors.js';
import type { ResolvedOptions } from './sim-options.js';
import { StatsRecorder, type Outcome, type SimStats } from './sim-stats.js';
import { SimTokenizer } from './tokenizer.js';

/** How one route shapes the errors the shared inference path can raise. */
export interface InferenceErrors {
  queueFull(model: string): SimHttpError;
  simulated(status: 500 | 503): SimHttpError;
}

/** What a request learns once it holds a slot and its model is loaded. */
export interface InferenceLease {
  readonly model: SimModel;
  /** Nanoseconds this request waited for the model to load. */
  readonly loadNs: number;
  /** Faults as they were when the request started. */
  readonly faults: SimFaults;
  /** Delay between tokens and before the first one. */
  readonly tokenDelayMs: number;
  readonly ttftMs: number;
  /** Records token counts for /_sim/stats and vLLM's /metrics. */
  usage(promptTokens: number, completionTokens: number): void;
}

/** Emitted when an inference request ends, for kinds that keep their own metrics (vLLM). */
export interface InferenceEvent {
  model: string;
  outcome: Outcome;
  finishReason?: string;
  promptTokens: number;
  completionTokens: number;
  queuedNs: number;
  totalNs: number;
}

/** The shared state of one running simulator. */
export class SimContext {
  readonly registry: ModelRegistry;
  readonly stats = new StatsRecorder();
  readonly faults: FaultState;
  readonly tokenizer = new SimTokenizer();
  private readonly closer = new AbortController();
  private readonly limiters = new Map<string, ConcurrencyLimiter>();
  private readonly listeners: ((event: InferenceEvent) => void)[] = [];
  private activeOverall = 0;
  private maxActiveOverall = 0;

  constructor(
    readonly options: ResolvedOptions,
    canonical: (name: string) => string,
    readonly defaultKeepAliveMs: number,
  ) {
    this.registry = new ModelRegistry({
      loadMs: options.loadMs,
      canonical,
      closing: this.closer.signal,
    });
    this.faults = new FaultState(options.seed, options.failRate);
  }

  /** Aborted when the simulator closes. */
  get closing(): AbortSignal {
    return this.closer.signal;
  }

  close(): void {
    this.closer.abort();
    this.registry.close();
  }

  limiter(model: string): ConcurrencyLimiter {
    let limiter = this.limiters.get(model);
    if (!limiter) {
      limiter = new ConcurrencyLimiter(model, this.options.maxConcurrency, this.options.queue);
      this.limiters.set(model, limiter);
    }
    return limiter;
  }

  onInference(listener: (event: InferenceEvent) => void): void {
    this.listeners.push(listener);
  }

  statsSnapshot(): SimStats {
    return this.stats.snapshot({
      models: () => [...this.limiters.keys()],
      gauges: (model) => {
        const limiter = this.limiters.get(model);
        return limiter
          ? { active: limiter.active, waiting: limiter.waiting, maxActive: limiter.maxActive }
          : { active: 0, waiting: 0, maxActive: 0 };
      },
      maxActiveOverall: () => this.maxActiveOverall,
    });
  }

  resetStats(): void {
    this.stats.reset();
    for (const limiter of this.limiters.values()) limiter.resetMax();
    this.maxActiveOverall = this.activeOverall;
  }

  tokenDelayMs(): number {
    const override = this.faults.current.tokenDelayMs;
    if (override !== null) return override;
    const rate = this.options.tokensPerSecond;
    return rate > 0 ? 1000 / rate : 0;
  }

  /**
   * The one path of every generate/chat/completion/embedding request: count it, wait for a
   * slot (or refuse when the queue is full), load the model (blocking, as the real servers do),
   * apply the up-front faults, run `work`, and account for how it ended. A client that leaves
   * while queued or loading is counted as aborted and gets nothing.
   */
  async runInference(
    ctx: RequestContext,
    model: SimModel,
    errors: InferenceErrors,
    work: (lease: InferenceLease) => Promise<Outcome>,
    options: { keepAliveMs?: number; finishReason?: string } = {},
  ): Promise<void> {
    const name = model.name;
    this.stats.add(name, 'received');
    let release: () => void;
    try {
      release = await this.limiter(name).acquire(ctx.signal);
    } catch (error) {
      if (error instanceof QueueFullError) {
        this.stats.add(name, 'rejected');
        throw errors.queueFull(name);
      }
      this.stats.add(name, 'aborted');
      if (error instanceof RequestAbortedError) return;
      throw error;
    }
    const queuedNs = Number(process.hrtime.bigint()) - ctx.arrivedNs;
    this.activeOverall++;
    this.maxActiveOverall = Math.max(this.maxActiveOverall, this.activeOverall);
    this.registry.hold(model);
    let outcome: Outcome = 'failed';
    let promptTokens = 0;
    let completionTokens = 0;
    try {
      const loadNs = await this.registry.ensureLoaded(model);
      if (ctx.signal.aborted) {
        outcome = 'aborted';
        return;
      }
      if (this.faults.shouldFail()) throw errors.simulated(this.faults.current.errorStatus);
      outcome = await work({
        model,
        loadNs,
        faults: this.faults.current,
        tokenDelayMs: this.tokenDelayMs(),
        ttftMs: this.options.ttftMs,
        usage: (prompt, completion) => {
          promptTokens = prompt;
          completionTokens = completion;
        },
      });
    } catch (error) {
      if (!(error instanceof RequestAbortedError)) throw error;
      outcome = ctx.signal.aborted ? 'aborted' : 'failed';
    } finally {
      release();
      this.activeOverall--;
      this.registry.release(model, options.keepAliveMs ?? this.defaultKeepAliveMs);
      this.stats.add(name, outcome);
      if (outcome === 'completed') {
        this.stats.add(name, 'promptTokens', promptTokens);
        this.stats.add(name, 'completionTokens', completionTokens);
      }
      const event: InferenceEvent = {
        model: name,
        outcome,
        promptTokens,
        completionTokens,
        queuedNs,
        totalNs: Number(process.hrtime.bigint()) - ctx.arrivedNs,
        ...(options.finishReason ? { finishReason: options.finishReason } : {}),
      };
      for (const listener of this.listeners) listener(event);
    }
  }
}
