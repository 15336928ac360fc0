import { Inject, Injectable } from '@nestjs/common';
import {
  isServingState,
  modelNames,
  modelNameSchema,
  REQUEST_ID_HEADER,
  Subjects,
  SwitchyardError,
  type InferenceOperation,
  type RegistryEntry,
  type StartFrame,
  type SwitchyardConfig,
} from '@switchyard/contracts';
import { READER_BEHIND, RequestStreamClient, type StreamFrame } from '@switchyard/nats';
import { SERVICE_LOGGER, SERVICE_CONFIG, type Logger } from '@switchyard/service';
import { FleetCatalogue } from '../fleet/fleet-catalogue.service.js';
import { FleetRegistry } from '../fleet/fleet-registry.service.js';
import { OrchestratorClient } from '../orchestration/orchestrator-client.service.js';
import { generateRequestId } from '../http/request-id.js';
import { overheadMs } from '../http/response-streams.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.service.js';
import { backoffDelay, sleepUnlessAborted } from './backoff.js';
import { routeCandidates, type ModelTarget } from './model-route.js';
import { firstTokenOverhead, OpenedFrames } from './opened-stream.js';

/** An answer that has started: the first content frame has arrived, nothing was sent yet. */
export interface RoutedStream {
  /** The model that answers (after aliases and fallbacks). */
  model: string;
  start: StartFrame;
  /**
   * Delta frames and the end frame, from the first content frame on; leaving early cancels.
   * Read it once; `frames.onEnd` sees the end frame as it passes.
   */
  frames: OpenedFrames;
  /** Tries it took, over every candidate model. */
  attempts: number;
  fellBack: boolean;
  /**
   * The gateway's overhead up to the first token: its time to first token minus the worker's
   * (`ttft_ms` of the first delta), or, for an answer that ended at once, the whole overhead.
   * Undefined when the worker did not say.
   */
  firstTokenOverheadMs: number | undefined;
}

export interface OpenOptions {
  /** The HTTP request id, sent to the worker in the `REQUEST_ID_HEADER` for its logs. */
  requestId: string;
  signal: AbortSignal;
  /** When the HTTP request arrived (`performance.now()`), for time-to-first-token. */
  startedAt: number;
  /**
   * Told the model of each try a worker took up (its start frame came, or an error from it): the
   * model a request is about, answered, failed or left, for its metrics; by its own name, not an
   * alias's. A name no worker serves is never told: clients invent those.
   */
  onTaken?: ((model: string) => void) | undefined;
  /**
   * `false` for every choice but the first of an answer of several: the answer's first token and
   * overhead are its first choice's, observed once, as the request is counted once. Their tokens
   * are counted all the same.
   */
  timed?: boolean;
}

/** The start frame of a try that failed after it, by its error: which worker took the try. */
const takenBy = new WeakMap<Error, StartFrame>();

/** A target to try, with its place in the fallback chain (0: the model the client named). */
interface Candidate {
  target: ModelTarget;
  place: number;
  /** The model of the candidate before, pinned to one of its kinds (`onEachKind`): no fallback. */
  onKind?: boolean;
}

/** One request's tries over all its candidates: what they share and count. */
interface TryState {
  operation: InferenceOperation;
  body: Record<string, unknown>;
  options: OpenOptions;
  /** `Date.now()` after which no try starts. */
  deadline: number;
  natsId: string;
  /** Tries so far, over every candidate; numbers each try's protocol id. */
  attempts: number;
  /** Models the orchestrator was already asked to start. */
  ensured: Set<string>;
}

/**
 * Sends canonical requests to the fleet and owns everything between "a client asked for model
 * X" and "the first token is here": aliases and kind prefixes, retries with backoff on retryable
 * failures, the fallback chain, the request's deadline and the streams' idle timeout. Once a
 * first token exists nothing is retried: the client may already have seen it.
 */
@Injectable()
export class FleetRouter {
  private readonly gateway: SwitchyardConfig['gateway'];

  constructor(
    private readonly client: RequestStreamClient,
    private readonly subjects: Subjects,
    private readonly catalogue: FleetCatalogue,
    @Inject(SERVICE_CONFIG) config: SwitchyardConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly metrics: GatewayMetrics,
    private readonly orchestrator: OrchestratorClient,
    private readonly registry: FleetRegistry,
  ) {
    this.gateway = config.gateway;
  }

  /**
   * Opens `operation` on the model a client named, with `body` as the rest of the canonical
   * request. Resolves when the first content frame (or an empty answer's end) has arrived;
   * rejects with a {@link SwitchyardError} when every try failed.
   */
  async open(
    operation: InferenceOperation,
    clientModel: unknown,
    body: Record<string, unknown>,
    options: OpenOptions,
  ): Promise<RoutedStream> {
    const name = checkModelName(clientModel);
    const candidates: Candidate[] = routeCandidates(name, this.gateway).map((target, place) => ({
      target,
      place,
    }));
    const tries: TryState = {
      operation,
      body,
      options,
      deadline: Date.now() + this.gateway.request_timeout_ms,
      // Protocol ids are the gateway's own, unique per try: a client reusing its x-request-id
      // (which travels in the header) must not share another request's cancel subject.
      natsId: generateRequestId(),
      attempts: 0,
      ensured: new Set(),
    };
    let firstError: SwitchyardError | undefined;
    for (const [index, { target, place }] of candidates.entries()) {
      const fallbackLeft = index < candidates.length - 1;
      const outcome = await this.tryTarget(target, place, fallbackLeft, tries);
      if (!(outcome instanceof SwitchyardError)) return outcome;
      let error = outcome;
      if (error.code === 'no_responders') error = await this.notServedOr(error, target, true);
      firstError ??= error;
      if (error.code === 'unsupported') {
        const kinds = await this.onEachKind(target);
        const retries = kinds.map((pinned) => ({ target: pinned, place, onKind: true }));
        candidates.splice(index + 1, 0, ...retries);
        // The next kind of this model, before any fallback: another kind may serve it.
        if (candidates[index + 1]?.onKind === true) continue;
      }
      // Every candidate is reached over the same NATS connection: without it, none answers.
      const fallBack =
        (error.retryable && error.code !== 'nats_unavailable') || error.code === 'model_not_found';
      if (!fallBack || error.code === 'timeout' || index === candidates.length - 1) {
        // A fallback that does not exist says less about the failure than the first one did.
        throw error.code === 'model_not_found' ? firstError : error;
      }
      this.logger.info(
        { request_id: options.requestId, model: target.model, err: error },
        'falling back',
      );
      this.metrics.fellBack();
    }
    throw firstError ?? new SwitchyardError('internal', 'no model to route to');
  }

  /**
   * Tries one target until it answers or fails for good: retryable failures again after a
   * backoff (`gateway.retries`), within the request's deadline; a model nobody serves, or one
   * whose backend nothing answers at with no fallback left, after asking the orchestrator to
   * start it. Resolves with the opened stream, or with the last failure.
   */
  private async tryTarget(
    target: ModelTarget,
    place: number,
    fallbackLeft: boolean,
    tries: TryState,
  ): Promise<RoutedStream | SwitchyardError> {
    const { max_attempts, initial_backoff_ms, max_backoff_ms } = this.gateway.retries;
    const { operation, options, deadline } = tries;
    // Built only once a try failed: an error's stack trace costs ~20 µs, too much for every
    // request that succeeds at once (profiled under load).
    let last: SwitchyardError | undefined;
    for (let attempt = 1; attempt <= max_attempts; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw timeoutError(this.gateway.request_timeout_ms);
      tries.attempts++;
      let error: SwitchyardError;
      try {
        const opened = await this.attempt(operation, target, tries.body, {
          id: `${tries.natsId}-${tries.attempts}`,
          requestId: options.requestId,
          timeoutMs: remaining,
          signal: options.signal,
          onTaken: options.onTaken,
        });
        const firstTokenMs = performance.now() - options.startedAt;
        const timed = options.timed !== false;
        if (timed) this.metrics.firstTokenAfter(operation, firstTokenMs);
        // After the first token nothing is tried again: a worker that dies or hangs now is seen
        // only here, as the client's answer breaks off, and the start frame says which it was.
        opened.frames.onFailed((failure) => {
          const error = SwitchyardError.from(failure);
          // A client too slow to read its answer is its own business, not a worker's failure.
          if (error.code !== 'stream_interrupted' || error.details?.[READER_BEHIND] === true)
            return;
          const { worker, backend } = opened.start;
          this.logger.warn(
            { request_id: options.requestId, model: target.model, worker, backend, err: error },
            'a worker broke off the answer',
          );
        });
        // Tokens and the gateway's overhead are counted as the end frame passes.
        opened.frames.onEnd((end) =>
          this.metrics.answered(
            end.model ?? target.model,
            end,
            timed ? overheadMs(options.startedAt, end) : undefined,
          ),
        );
        return {
          start: opened.start,
          frames: opened.frames,
          model: target.model,
          attempts: tries.attempts,
          fellBack: place > 0,
          firstTokenOverheadMs: firstTokenOverhead(opened.first, firstTokenMs, options.startedAt),
        };
      } catch (thrown) {
        error = await this.classify(SwitchyardError.from(thrown), target, options.signal);
        // Classified, `no_responders` is a model the fleet listed a moment ago (a worker that
        // just died): its failures are the model's, as a model nobody serves has none.
        if (error.code !== 'model_not_found') {
          options.onTaken?.(this.catalogue.ownName(target.model));
        }
        if (error.code === 'stream_interrupted') {
          // A worker that hung, died or lost NATS is the operator's to see; an overload is routine.
          // One that had started answering said which it was: the line names it.
          const taken = thrown instanceof Error ? takenBy.get(thrown) : undefined;
          this.logger.warn(
            {
              request_id: options.requestId,
              model: target.model,
              attempt,
              worker: taken?.worker,
              backend: taken?.backend,
              err: error,
            },
            'a worker broke off the answer',
          );
        }
        // Aborted (the client left, or the gateway is shutting down): no retry, no fallback.
        if (options.signal.aborted) throw error;
      }
      last = error;
      const lastTry = attempt === max_attempts;
      if (await this.servableAgain(error, target, lastTry && !fallbackLeft, tries)) {
        // This try did not count.
        attempt -= 1;
        continue;
      }
      if (!error.retryable || error.code === 'timeout') break;
      if (attempt < max_attempts) {
        const delay = backoffDelay(attempt, {
          initialMs: initial_backoff_ms,
          maxMs: max_backoff_ms,
        });
        if (Date.now() + delay >= deadline) break;
        this.logger.debug({ request_id: options.requestId, err: error, delay }, 'retrying');
        this.metrics.retried(error.code);
        await sleepUnlessAborted(delay, options.signal);
      }
    }
    return last ?? new SwitchyardError('internal', 'no try was made');
  }

  /**
   * Whether a request for the model a client named would find a worker now: the model itself or
   * a model of its fallback chain (after aliases), on the kind a prefix pins, if any.
   */
  async serves(name: string): Promise<boolean> {
    for (const target of routeCandidates(name, this.gateway)) {
      if (await this.servesTarget(target, false)) return true;
    }
    return false;
  }

  /**
   * The target pinned to each kind of backend that serves its model, when it is not pinned and
   * more than one kind serves it. A request one kind cannot serve (`unsupported`: log-probabilities
   * on LM Studio, say) went to whichever worker took it; a backend of another kind may serve it,
   * and the kind that refused refuses again at no cost to a backend.
   */
  private async onEachKind(target: ModelTarget): Promise<ModelTarget[]> {
    if (target.kind !== undefined) return [];
    const served = await this.catalogue.find(target.model);
    if (served === undefined || served.kinds.length < 2) return [];
    return served.kinds.map((kind) => ({ model: target.model, kind }));
  }

  /** Whether the catalogue lists the target's model, on its pinned kind if it has one. */
  private async servesTarget(target: ModelTarget, fresh: boolean): Promise<boolean> {
    const model = await this.catalogue.find(target.model, { fresh });
    return model !== undefined && (target.kind === undefined || model.kinds.includes(target.kind));
  }

  private async attempt(
    operation: InferenceOperation,
    target: ModelTarget,
    body: Record<string, unknown>,
    call: {
      id: string;
      requestId: string;
      timeoutMs: number;
      signal: AbortSignal;
      onTaken: OpenOptions['onTaken'];
    },
  ): Promise<{ start: StartFrame; first: StreamFrame; frames: OpenedFrames }> {
    const subject = this.subjects.inference(operation, target.model, target.kind);
    const request = Object.assign({}, body, {
      id: call.id,
      model: target.model,
      timeout_ms: call.timeoutMs,
    });
    const iterator = this.client
      .stream(subject, request, {
        timeoutMs: call.timeoutMs,
        // A worker shows it took the request within a heartbeat interval; a silent one is hung.
        firstFrameTimeoutMs: this.gateway.first_frame_timeout_ms,
        signal: call.signal,
        headers: { [REQUEST_ID_HEADER]: call.requestId },
      })
      [Symbol.asyncIterator]();
    let start: StartFrame | undefined;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) throw new SwitchyardError('internal', 'the reply stream ended early');
        const frame = next.value;
        if (frame.type === 'start') {
          start = frame;
          call.onTaken?.(this.catalogue.ownName(target.model));
        } else if (frame.type !== 'heartbeat' && start !== undefined) {
          return { start, first: frame, frames: new OpenedFrames(frame, iterator) };
        }
      }
    } catch (error) {
      await iterator.return?.();
      if (start !== undefined && error instanceof Error) takenBy.set(error, start);
      throw error;
    }
  }

  /**
   * Whether the orchestrator made a failed target servable (`ensure`, asked once per model of a
   * request, waited for within its deadline): a model nobody serves once a worker serves it; a
   * model whose backend nothing answers at once it started the backend again, asked only when
   * the target's tries are spent and no fallback is left (one is there for a backend that
   * fails). A managed backend that crashed is restarted after a backoff, and its worker lists its
   * models until its next refresh: a request in between waits for the restart instead of failing.
   */
  private async servableAgain(
    error: SwitchyardError,
    target: ModelTarget,
    lastResort: boolean,
    tries: TryState,
  ): Promise<boolean> {
    const notServed = error.code === 'model_not_found';
    const unanswered = error.code === 'backend_unavailable' && lastResort;
    if ((!notServed && !unanswered) || tries.ensured.has(target.model)) return false;
    tries.ensured.add(target.model);
    const timeoutMs = tries.deadline - Date.now();
    if (timeoutMs <= 0) return false;
    const outcome = await this.orchestrator.ensure(target.model, target.kind, {
      requestId: tries.options.requestId,
      timeoutMs,
      signal: tries.options.signal,
      because: error.code,
    });
    if (outcome === 'started') this.metrics.startedOnDemand();
    return outcome === 'started' || (notServed && outcome === 'served');
  }

  /** What a failure means for routing: the caller's abort wins; nobody serving it is a 404. */
  private async classify(
    error: SwitchyardError,
    target: ModelTarget,
    signal: AbortSignal,
  ): Promise<SwitchyardError> {
    if (signal.aborted) {
      const reason: unknown = signal.reason;
      return reason instanceof SwitchyardError
        ? reason
        : new SwitchyardError('cancelled', 'the client went away', { cause: reason });
    }
    if (error.code === 'no_responders') return this.notServedOr(error, target, false);
    return error;
  }

  /**
   * What "no responders" on a target's subject means: a model the listing lacks is not served
   * (404); one it has is served by a worker that stopped serving it a moment ago, or whose
   * subscription has not reached this NATS server yet (503, worth another try).
   */
  private async notServedOr(
    error: SwitchyardError,
    target: ModelTarget,
    fresh: boolean,
  ): Promise<SwitchyardError> {
    const behind = target.kind === undefined ? '' : ` on a ${target.kind} backend`;
    if (await this.servesTarget(target, fresh)) {
      return new SwitchyardError(
        'no_responders',
        `no worker answers for model "${target.model}"${behind} right now, although one listed it a moment ago`,
        { cause: error.cause ?? error },
      );
    }
    const holder = await this.registeredBackendOf(target);
    if (holder !== undefined) {
      const message = isServingState(holder.state)
        ? `model "${target.model}" is on backend ${holder.id}, which is ${holder.state}, but no ${holder.kind} worker answers: try again once one does`
        : `model "${target.model}" is served by backend ${holder.id}, which is ${holder.state} now: try again once it is back`;
      return new SwitchyardError('backend_unavailable', message, {
        cause: error,
        details: { model: target.model, backend: holder.id, state: holder.state },
      });
    }
    return new SwitchyardError(
      'model_not_found',
      `model "${target.model}" is not served${behind}`,
      {
        cause: error,
        details: { param: 'model', model: target.model },
      },
    );
  }

  /**
   * A backend the registry lists with the target's model, while the model is not gone for good:
   * the backend is down (a monitored or external server restarting), or up while no worker of
   * its kind serves anything (its worker crashed, or none runs for the kind). A client should
   * hear 503 and try again, not a 404 it would take as final, and the operator's count of 5xx
   * answers should see the fleet's failure. A worker of the kind that serves other models says
   * the model left the backend since discovery's last look (deleted): that is a 404. Read only
   * for a model no worker serves; without a registry (no discovery) there is nothing to tell.
   */
  private async registeredBackendOf(target: ModelTarget): Promise<RegistryEntry | undefined> {
    const entries = await this.registry.known();
    const holders = entries.filter(
      (entry) =>
        (target.kind === undefined || entry.kind === target.kind) &&
        entry.models.some((model) => modelNames(model).includes(target.model)),
    );
    const down = holders.find((entry) => !isServingState(entry.state));
    if (down !== undefined || holders.length === 0) return down;
    const served = await this.catalogue.models().catch(() => []);
    return holders.find((entry) => !served.some((model) => model.kinds.includes(entry.kind)));
  }
}

/** The model name a client sent, checked before it goes anywhere near a subject. */
export function checkModelName(value: unknown): string {
  const parsed = modelNameSchema.safeParse(value);
  if (!parsed.success) {
    throw new SwitchyardError('bad_request', parsed.error.issues[0]?.message ?? 'invalid model', {
      details: { param: 'model' },
    });
  }
  return parsed.data;
}

function timeoutError(ms: number): SwitchyardError {
  return new SwitchyardError('timeout', `no answer within the request timeout of ${ms} ms`);
}
