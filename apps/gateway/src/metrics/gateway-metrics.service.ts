import { Injectable } from '@nestjs/common';
import type { EndFrame, InferenceOperation } from '@switchyard/contracts';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const PREFIX = 'switchyard_gateway_';

/** Latency buckets in seconds, from a fast local hop to a slow model load. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const OVERHEAD_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

/**
 * The gateway's Prometheus metrics, in a registry of its own so that two gateways in one process
 * (tests) do not share counters. Model labels carry the model that answered, which the fleet
 * bounds: names clients invent never become labels (they end as 404s, labelled `-`), and the
 * series of a model the fleet no longer serves are dropped before each scrape (`keepModels`).
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: `${PREFIX}requests_total`,
    help: 'HTTP requests answered, by route, model and status',
    labelNames: ['route', 'model', 'status'],
    registers: [this.registry],
  });
  private readonly streamFailures = new Counter({
    name: `${PREFIX}stream_failures_total`,
    help: 'Streamed answers that ended early after their 200 went out, by the error code sent in-band (cancelled: the client left)',
    labelNames: ['route', 'model', 'code'],
    registers: [this.registry],
  });
  private readonly firstToken = new Histogram({
    name: `${PREFIX}time_to_first_token_seconds`,
    help: 'From the request arriving to the first token (or whole embedding) from the fleet',
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: `${PREFIX}tokens_total`,
    help: 'Tokens by direction (in: prompt, out: completion) and model',
    labelNames: ['direction', 'model'],
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: `${PREFIX}retries_total`,
    help: 'Tries sent again after a retryable failure before the first token',
    labelNames: ['code'],
    registers: [this.registry],
  });
  private readonly startsOnDemand = new Counter({
    name: `${PREFIX}starts_on_demand_total`,
    help: 'Requests that waited for the orchestrator to start a backend: for a model nobody served, or one nothing answered at',
    registers: [this.registry],
  });
  private readonly fallbacks = new Counter({
    name: `${PREFIX}fallbacks_total`,
    help: 'Requests moved to the next model of a fallback chain',
    registers: [this.registry],
  });
  private readonly overhead = new Histogram({
    name: `${PREFIX}overhead_seconds`,
    help: "Gateway time per answer: the whole request minus the backend's own time",
    buckets: OVERHEAD_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  /** Reports the in-flight count whenever metrics are read. */
  trackInFlight(count: () => number): void {
    new Gauge({
      name: `${PREFIX}in_flight_requests`,
      help: 'Inference requests being answered now',
      registers: [this.registry],
      collect() {
        this.set(count());
      },
    });
  }

  /**
   * Drops the series of every model not in `served` (the fleet's models now). The fleet bounds
   * the models served at once, not over time: any API key may copy a model under a new name
   * (`/api/copy`), ask it something and delete it, so kept series would grow for as long as the
   * gateway runs, each name three more. A model served again counts from 0, which Prometheus
   * reads as a counter reset.
   */
  async keepModels(served: ReadonlySet<string>): Promise<void> {
    for (const counter of [this.requests, this.streamFailures, this.tokens] as Counter<string>[]) {
      for (const { labels } of (await counter.get()).values) {
        const model = labels['model'];
        if (typeof model === 'string' && model !== '-' && !served.has(model)) {
          counter.remove(labels as Record<string, string>);
        }
      }
    }
  }

  /** One answered request; `streamFailure`, the code its stream ended with after its 200. */
  request(
    route: string,
    model: string | undefined,
    status: number,
    streamFailure?: string | undefined,
  ): void {
    this.requests.inc({ route, model: model ?? '-', status: String(status) });
    if (streamFailure !== undefined) {
      this.streamFailures.inc({ route, model: model ?? '-', code: streamFailure });
    }
  }

  firstTokenAfter(operation: InferenceOperation, ms: number): void {
    this.firstToken.observe({ operation }, ms / 1000);
  }

  answered(model: string, end: EndFrame, overheadMs: number | undefined): void {
    this.tokens.inc({ direction: 'in', model }, end.usage.prompt_tokens);
    this.tokens.inc({ direction: 'out', model }, end.usage.completion_tokens);
    if (overheadMs !== undefined) this.overhead.observe(overheadMs / 1000);
  }

  retried(code: string): void {
    this.retries.inc({ code });
  }

  startedOnDemand(): void {
    this.startsOnDemand.inc();
  }

  fellBack(): void {
    this.fallbacks.inc();
  }
}
