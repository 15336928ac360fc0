import { isDeepStrictEqual } from 'node:util';
import type { DiscoveryConfig, HealthState, ModelInfo, RegistryEntry } from '@switchyard/contracts';
import { backoffDelay } from '../health/backoff.js';
import { CircuitBreaker } from '../health/circuit-breaker.js';
import { HealthTracker, type Observation } from '../health/health-tracker.js';
import type { HttpProber } from '../probing/http-prober.js';
import type { KindProbe, ProbeTarget } from '../probing/kind-probe.js';
import { ProbeError, UnrecognisedServerError } from '../probing/probe-errors.js';
import type { WatchTarget } from './watch-targets.js';

/** What one check of an endpoint produced. */
export interface EndpointUpdate {
  target: WatchTarget;
  entry: RegistryEntry;
  /** State, version or model list differ from the entry before the check. */
  changed: boolean;
  previousState?: HealthState;
  reason: string;
  /** When something last answered there at all (ms since the epoch). */
  answeredAt?: number;
}

/** Failures in a row after which the endpoint is only tried once per `max_backoff_ms`. */
const BREAKER_THRESHOLD = 5;

/**
 * Watches one endpoint on a timer of its own, so a slow or hostile endpoint delays only itself.
 * Between model refreshes it makes the kind's cheap liveness check; on first contact, after any
 * failure and every `model_refresh_ms` it inspects the server fully (identity and models).
 * Failing endpoints are checked with exponential backoff, and behind a circuit breaker once they
 * keep failing.
 */
export class EndpointWatcher {
  private readonly tracker: HealthTracker;
  private readonly breaker: CircuitBreaker;
  private readonly abort = new AbortController();
  private models: ModelInfo[];
  private version: string | undefined;
  private identified = false;
  private lastInspection = 0;
  private answeredAt: number | undefined;
  private previous: RegistryEntry | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Set by {@link checkSoon} while a check runs: the next one follows it at once. */
  private checkAgain = false;

  constructor(
    readonly target: WatchTarget,
    private readonly probe: KindProbe,
    private readonly http: HttpProber,
    private readonly config: DiscoveryConfig,
    private readonly onUpdate: (update: EndpointUpdate) => void,
    seed?: RegistryEntry,
  ) {
    this.tracker = new HealthTracker(
      { degradedLatencyMs: config.degraded_latency_ms },
      seed && {
        state: seed.state,
        consecutiveFailures: seed.consecutive_failures,
        latencies: seed.latencies_ms,
        ...(seed.seen_at === undefined ? {} : { seenAt: Date.parse(seed.seen_at) }),
      },
    );
    this.breaker = new CircuitBreaker({
      threshold: BREAKER_THRESHOLD,
      openMs: config.max_backoff_ms,
    });
    this.previous = seed;
    this.models = seed?.models ?? [];
    this.version = seed?.version;
    if (seed !== undefined) this.answeredAt = lastAnswer(seed);
  }

  start(): void {
    this.schedule(0);
  }

  /**
   * Checks the endpoint now, whatever its backoff or breaker said: something that knows (the
   * orchestrator, which just started it) says it is up. A check under way is followed by another,
   * since it may have found the endpoint before it came up.
   */
  checkSoon(): void {
    if (this.abort.signal.aborted) return;
    this.breaker.reset();
    if (this.running !== undefined) {
      this.checkAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.abort.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.running = this.checkOnce().finally(() => (this.running = undefined));
    }, delayMs);
  }

  /** The pause before the next check after `observation`, or none when one is asked for. */
  private nextDelay(observation: Observation, consecutiveFailures: number): number {
    if (this.checkAgain) {
      this.checkAgain = false;
      return 0;
    }
    return observation.outcome === 'ok'
      ? this.config.interval_ms
      : backoffDelay(consecutiveFailures, this.config.interval_ms, this.config.max_backoff_ms);
  }

  private async checkOnce(): Promise<void> {
    if (!this.breaker.allows()) return this.schedule(this.breaker.remainingMs());
    const observation = await this.observe();
    if (this.abort.signal.aborted) return;
    const now = Date.now();
    const health = this.tracker.observe(observation, now);
    if (observation.outcome !== 'unreachable') this.answeredAt = now;
    if (observation.outcome === 'ok') this.breaker.recordSuccess();
    else this.breaker.recordFailure();

    const entry: RegistryEntry = {
      id: this.target.id,
      kind: this.target.kind,
      url: this.target.url,
      state: health.state,
      models: health.state === 'unrecognised' ? [] : this.models,
      ...(this.version === undefined ? {} : { version: this.version }),
      latencies_ms: health.latencies,
      consecutive_failures: health.consecutiveFailures,
      checked_at: new Date(now).toISOString(),
      ...(health.seenAt === undefined ? {} : { seen_at: new Date(health.seenAt).toISOString() }),
      ...(this.target.managed === undefined ? {} : { managed: this.target.managed }),
    };
    const previous = this.previous;
    this.previous = entry;
    this.onUpdate({
      target: this.target,
      entry,
      changed: previous === undefined || differs(previous, entry),
      ...(previous === undefined ? {} : { previousState: previous.state }),
      reason: observation.outcome === 'ok' ? 'answering' : observation.reason,
      ...(this.answeredAt === undefined ? {} : { answeredAt: this.answeredAt }),
    });
    this.schedule(this.nextDelay(observation, health.consecutiveFailures));
  }

  private async observe(): Promise<Observation> {
    const target: ProbeTarget = {
      url: this.target.url,
      signal: this.abort.signal,
      ...(this.target.apiKey === undefined ? {} : { apiKey: this.target.apiKey }),
    };
    const inspectionDue =
      !this.identified || Date.now() - this.lastInspection >= this.config.model_refresh_ms;
    try {
      let latencyMs = 0;
      // A trial after the breaker opened is one cheap request; only its success earns more.
      if (!inspectionDue || this.breaker.state === 'half-open') {
        latencyMs = await this.probe.check(this.http, target);
      }
      if (inspectionDue) {
        const found = await this.probe.inspect(this.http, target);
        // Listings come in the backend's order (Ollama: newest first); the registry's is by name.
        this.models = [...found.models].sort((a, b) => a.name.localeCompare(b.name));
        this.version = found.version;
        this.identified = true;
        this.lastInspection = Date.now();
        latencyMs = Math.max(latencyMs, found.latencyMs);
      }
      return { outcome: 'ok', latencyMs };
    } catch (error) {
      this.identified = false;
      return toObservation(error);
    }
  }
}

/** When something last answered at an entry's address: its last check, unless that found nothing. */
export function lastAnswer(entry: RegistryEntry): number | undefined {
  const answered = entry.state === 'offline' ? entry.seen_at : entry.checked_at;
  return answered === undefined ? undefined : Date.parse(answered);
}

function toObservation(error: unknown): Observation {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof UnrecognisedServerError) return { outcome: 'unrecognised', reason };
  if (error instanceof ProbeError) {
    if (error.failure === 'unreachable') return { outcome: 'unreachable', reason };
    if (error.failure === 'timeout') return { outcome: 'failing', reason };
    return { outcome: 'unrecognised', reason };
  }
  return { outcome: 'failing', reason };
}

function differs(before: RegistryEntry, after: RegistryEntry): boolean {
  return (
    before.state !== after.state ||
    before.version !== after.version ||
    !isDeepStrictEqual(before.models, after.models)
  );
}
