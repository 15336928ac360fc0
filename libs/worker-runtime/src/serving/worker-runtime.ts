import { randomBytes } from 'node:crypto';
import type { Service } from '@nats-io/services';
import {
  chatRequestSchema,
  completionRequestSchema,
  embeddingRequestSchema,
  SwitchyardError,
  type BackendKind,
  type InferenceOperation,
  type Subjects,
} from '@switchyard/contracts';
import {
  StreamServer,
  type ConnectionWatch,
  type DecodedRequest,
  type NatsConnection,
  type NatsLogger,
  type RequestMessage,
  type RequestSchema,
  type StreamHandler,
} from '@switchyard/nats';
import type { BackendAdapter, BackendEndpoint, GenerationEvent } from '../backend-adapter.js';
import { EndpointLimiter } from '../limits/endpoint-limiter.js';
import { inferenceHandler } from './inference-handler.js';
import { InferenceStats } from './inference-stats.js';
import { ModelDirectory, type EndpointStatus } from './model-directory.js';
import { addWorkerService, modelEndpointMetadata } from './worker-service.js';

export interface WorkerEndpointConfig extends BackendEndpoint {
  /** Requests at once; the adapter's default when absent. */
  maxConcurrency?: number | undefined;
  queueSize: number;
  queueTimeoutMs: number;
}

export interface WorkerRuntimeOptions {
  nc: NatsConnection;
  /** The connection's outages, as the process's NATS module watches them. */
  connection?: ConnectionWatch;
  subjects: Subjects;
  adapter: BackendAdapter;
  endpoints: readonly WorkerEndpointConfig[];
  /** How often the endpoints' model lists are read again. */
  refreshIntervalMs: number;
  heartbeatIntervalMs: number;
  /** The deadline of a request that names none. */
  defaultTimeoutMs: number;
  /** Requests bigger than this are refused with `bad_request`. */
  maxRequestBytes: number;
  /** Reported in `$SRV.INFO`. */
  version: string;
  logger: NatsLogger;
  workerId?: string;
}

/**
 * How long listing an endpoint's models may take: the refresh interval, within these bounds. A
 * listing that times out unserves the endpoint's models, so a short interval must not turn a
 * backend that is merely busy for a moment into one that looks gone.
 */
const LIST_TIMEOUT_MS = { min: 2_000, max: 10_000 } as const;

/** How long a new registration waits for the NATS server to confirm its subscriptions. */
const REGISTRATION_CONFIRM_MS = 2_000;

/**
 * How one operation's requests are served: `bind(subject, model)` gives the callback for one of
 * `model`'s subjects.
 */
type OperationBinding = (subject: string, model: string) => (msg: RequestMessage) => void;

/**
 * The part every worker shares. It serves, in the workers' queue group, the request subjects of
 * exactly the models its endpoints can serve now (re-read every `refreshIntervalMs`): a model
 * that appears is served from the next refresh, and one that goes away stops taking requests
 * while its in-flight requests finish. Each endpoint gets at most its concurrency limit, with a
 * bounded queue behind it.
 *
 * The worker is also a NATS micro service (`$SRV.PING/INFO/STATS`) whose endpoints are the
 * served subjects, with request, error and latency counts in each endpoint's stats `data`. The
 * micro-service library cannot drop a single endpoint, so when the model set changes the
 * registration is rebuilt: the new one subscribes before the old one stops, and the shared
 * queue group means no request is lost or served twice in between.
 */
export class WorkerRuntime {
  readonly workerId: string;
  private readonly directory: ModelDirectory;
  private readonly limiters = new Map<string, EndpointLimiter>();
  private readonly server: StreamServer;
  private readonly stats = new InferenceStats();
  private readonly operations: Record<InferenceOperation, OperationBinding>;
  private service: Service | undefined;
  /** What the registered service publishes (`registrationOf`), to tell when it must be rebuilt. */
  private registeredModels = '';
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  /** Aborted by `stop()`: a model listing in progress is not waited for. */
  private readonly listing = new AbortController();
  private stopped = false;

  constructor(private readonly options: WorkerRuntimeOptions) {
    const { adapter, endpoints } = options;
    this.workerId = options.workerId ?? newWorkerId(adapter.kind);
    this.directory = new ModelDirectory(
      adapter,
      endpoints,
      Math.min(Math.max(options.refreshIntervalMs, LIST_TIMEOUT_MS.min), LIST_TIMEOUT_MS.max),
    );
    for (const endpoint of endpoints) this.limiters.set(endpoint.id, this.newLimiter(endpoint));
    this.server = new StreamServer(options.nc, {
      subjects: options.subjects,
      workerId: this.workerId,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      defaultTimeoutMs: options.defaultTimeoutMs,
      maxRequestBytes: options.maxRequestBytes,
      ...(options.connection === undefined ? {} : { connection: options.connection }),
      logger: options.logger,
    });
    const common = {
      kind: adapter.kind,
      endpointsFor: (model: string) => this.directory.endpointsFor(model),
      limiterOf: (endpoint: BackendEndpoint) => this.limiterOf(endpoint),
      isSetAside: (endpoint: BackendEndpoint) => this.directory.isSetAside(endpoint),
      fullNameOf: (model: string) => this.directory.aliasOf(model) ?? model,
      isCold: (endpoint: BackendEndpoint, model: string) => this.directory.isCold(endpoint, model),
      onLoaded: (endpoint: BackendEndpoint, model: string) => {
        this.directory.markLoaded(endpoint, model);
      },
      onModelLost: (endpoint: BackendEndpoint, model: string, log: NatsLogger) => {
        log.warn({ backend: endpoint.id, model }, 'the backend no longer has a model');
        void this.refreshLogged();
      },
      onUnavailable: (endpoint: BackendEndpoint, log: NatsLogger) => {
        if (this.directory.setAside(endpoint)) {
          log.warn(
            { backend: endpoint.id },
            'nothing answers at the backend: its models go to the other backends until it is listed again',
          );
        }
      },
    };
    const bind =
      <S extends RequestSchema>(
        schema: S,
        what: string,
        generate: (
          endpoint: BackendEndpoint,
          request: DecodedRequest<S>,
          signal: AbortSignal,
        ) => AsyncIterable<GenerationEvent>,
      ): OperationBinding =>
      (subject, model) => {
        // Every inference schema has a `model`; the intersection says so to the handler.
        type Request = DecodedRequest<S> & { model: string };
        const handler = this.stats.track(
          subject,
          inferenceHandler<Request>(Object.assign({}, common, { generate, model })),
        );
        return (msg) =>
          this.server.handle(msg, { schema, what }, handler as StreamHandler<DecodedRequest<S>>);
      };
    this.operations = {
      chat: bind(chatRequestSchema, 'chat request', (e, r, s) => adapter.chat(e, r, s)),
      complete: bind(completionRequestSchema, 'completion request', (e, r, s) =>
        adapter.complete(e, r, s),
      ),
      embed: bind(embeddingRequestSchema, 'embedding request', (e, r, s) => adapter.embed(e, r, s)),
    };
  }

  /** The models served now. */
  get models(): string[] {
    return this.directory.models();
  }

  /** Requests in flight, queued ones included. */
  get inFlight(): number {
    return this.server.inFlight;
  }

  /** The limiter of an endpoint, for inspection (peak concurrency, queue length). */
  limiterOf(endpoint: BackendEndpoint): EndpointLimiter {
    const limiter = this.limiters.get(endpoint.id);
    if (limiter === undefined) throw new Error(`unknown endpoint ${endpoint.id}`);
    return limiter;
  }

  /**
   * Serves this list of endpoints from now on (the configured ones and those the registry
   * lists) and re-reads their models. An endpoint that stays keeps its limiter, so requests in
   * flight on it keep counting against its limit. So does one that goes: until the refresh has
   * taken its models away, requests may still be sent to it, and one that comes back while its
   * old requests still run must not get a second, empty set of slots. Its limiter is dropped
   * once nothing runs or waits on it (see `dropIdleLimiters`).
   */
  async setEndpoints(endpoints: readonly WorkerEndpointConfig[]): Promise<void> {
    for (const endpoint of endpoints) {
      if (!this.limiters.has(endpoint.id))
        this.limiters.set(endpoint.id, this.newLimiter(endpoint));
    }
    this.directory.setEndpoints(endpoints);
    // A refresh already under way lists the endpoints as they were: the new ones need another.
    await this.refreshing?.catch(() => undefined);
    await this.refresh();
  }

  /** Reads the endpoints' models, subscribes, and keeps refreshing until `stop()`. */
  async start(): Promise<void> {
    await this.refresh();
    this.scheduleRefresh();
  }

  /** Reads the endpoints' models now and serves what changed; concurrent calls share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshOnce().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * Stops taking requests, lets in-flight ones finish within `graceMs` of the call, then cancels
   * the rest. The grace counts from the call, not from when the last subscription went: the
   * process that calls this exits by force a few seconds after the grace, so a model listing in
   * progress (up to ten seconds against a stuck backend) is abandoned rather than waited for.
   */
  async stop({ graceMs }: { graceMs: number }): Promise<void> {
    const graceEnds = Date.now() + graceMs;
    this.stopped = true;
    clearTimeout(this.refreshTimer);
    this.listing.abort();
    // What waits for a slot here has not reached a backend: another replica can start it now,
    // where this one would start it late in the grace period and cut it off part-way.
    for (const limiter of this.limiters.values()) limiter.close(handedBack());
    // A refresh that was registering when the listing ended finishes its registration first, so
    // no subscription is made after the one below is stopped.
    await this.refreshing?.catch(() => undefined);
    const service = this.service;
    this.service = undefined;
    await service?.stop();
    await this.server.stop({ graceMs: Math.max(0, graceEnds - Date.now()) });
  }

  /** Forgets the limiters of endpoints that are gone, once no request runs or waits on them. */
  private dropIdleLimiters(): void {
    const current = new Set(this.directory.endpoints().map((status) => status.endpoint.id));
    for (const [id, limiter] of this.limiters) {
      if (!current.has(id) && limiter.active === 0 && limiter.waiting === 0) {
        this.limiters.delete(id);
      }
    }
  }

  private newLimiter(endpoint: WorkerEndpointConfig): EndpointLimiter {
    return new EndpointLimiter({
      maxConcurrency: endpoint.maxConcurrency ?? this.options.adapter.defaultMaxConcurrency,
      queueSize: endpoint.queueSize,
      queueTimeoutMs: endpoint.queueTimeoutMs,
    });
  }

  private scheduleRefresh(): void {
    if (this.stopped) return;
    this.refreshTimer = setTimeout(() => {
      void this.refreshLogged().then(() => this.scheduleRefresh());
    }, this.options.refreshIntervalMs);
  }

  /** A refresh nobody awaits: its failure (NATS gone, say) is logged, never left unhandled. */
  private async refreshLogged(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.refresh();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'refreshing the served models failed');
    }
  }

  private async refreshOnce(): Promise<void> {
    const { added, removed } = await this.directory.refresh(this.listing.signal);
    if (this.stopped) return;
    this.dropIdleLimiters();
    for (const status of this.directory.endpoints()) this.logListing(status);
    // Compared with what is registered rather than with the last listing, so a registration that
    // failed is tried again at the next refresh.
    const models = this.directory.models().sort();
    const registration = this.registrationOf(models);
    if (this.stopped || (this.service !== undefined && registration === this.registeredModels)) {
      return;
    }
    this.options.logger.info({ added, removed, models }, 'served models changed');
    await this.register(models, registration);
  }

  /**
   * Tells of a backend whose listing fails, and of one that lists again. A run of failures is told
   * at its first listing and then each time it doubles (1, 2, 4, 8… in a row): a managed backend
   * stopped until a request comes, listed every 5 s, would otherwise leave a warning every 5 s for
   * as long as it is stopped.
   */
  private logListing(status: EndpointStatus): void {
    const backend = status.endpoint.id;
    const failed = status.failedListings;
    // An endpoint added since the refresh began (from discovery's registry) has not been listed.
    if (!status.reachable && failed > 0 && (failed & (failed - 1)) === 0) {
      this.options.logger.warn(
        {
          backend,
          err: status.lastError,
          failed_listings: failed,
          still_serving: status.models.length > 0,
        },
        'cannot list the models of a backend',
      );
    }
    if (status.endedRun > 0) {
      this.options.logger.info(
        { backend, failed_listings: status.endedRun },
        'a backend lists its models again',
      );
    }
  }

  /** What a registration publishes: each model's endpoint metadata. */
  private registrationOf(models: readonly string[]): string {
    return models
      .map((model) => JSON.stringify(modelEndpointMetadata(this.directory, model)))
      .join('\n');
  }

  private async register(models: readonly string[], registration: string): Promise<void> {
    const { nc, subjects, adapter, version } = this.options;
    const next = await addWorkerService(
      {
        nc,
        subjects,
        kind: adapter.kind,
        version,
        workerId: this.workerId,
        statsOf: (subject) => this.stats.data(subject),
        capabilitiesOf: (model) => this.directory.capabilitiesOf(model),
        detailsOf: (model) => this.directory.detailsOf(model),
        aliasOf: (model) => this.directory.aliasOf(model),
      },
      models,
      (operation, subject, model) => this.operations[operation](subject, model),
    );
    // Once the server has the new subscriptions, the model set is served: a model that came
    // back after a spell with no subscription at all is answered from when the refresh resolves.
    // Not waited for beyond a bound: while NATS is away the subscriptions go out on reconnect,
    // and a refresh must not hold `stop()` until then.
    await confirmed(nc.flush(), REGISTRATION_CONFIRM_MS);
    const previous = this.service;
    this.service = next;
    this.registeredModels = registration;
    await previous?.stop();
  }
}

/** A worker id of its own for a worker process: `ollama-worker-1a2b3c4d`. */
export function newWorkerId(kind: BackendKind): string {
  return `${kind}-worker-${randomBytes(4).toString('hex')}`;
}

/** Waits for `promise` for at most `ms`; its outcome after that, or its failure, is ignored. */
async function confirmed(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise.catch(() => undefined), bound]);
  clearTimeout(timer);
}

/** A request a stopping worker had queued: retryable, so the caller tries another replica. */
function handedBack(): SwitchyardError {
  return new SwitchyardError(
    'overloaded',
    'the worker is shutting down and starts nothing that waits for a slot',
  );
}
