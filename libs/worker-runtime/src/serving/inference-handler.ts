import { SwitchyardError, type BackendKind } from '@switchyard/contracts';
import type { HeartbeatPhase, NatsLogger, StreamContext, StreamEnd } from '@switchyard/nats';
import type { BackendEndpoint, GenerationEvent } from '../backend-adapter.js';
import type { EndpointLimiter } from '../limits/endpoint-limiter.js';
import { pickEndpoint } from './endpoint-picker.js';
import { isFleetFailure } from './fleet-failure.js';
import { GenerationFrames } from './generation-frames.js';

/** What the handler reads of every request it serves (chats, completions, embeddings). */
interface ServedRequest {
  readonly model: string;
  /** Chats only: `false` keeps an answer to one tool call. */
  readonly parallel_tool_calls?: boolean | undefined;
}

export interface InferenceHandlerDeps<Request> {
  kind: BackendKind;
  /** The model the handler's subject names: a request must name the same one. */
  model: string;
  /** The endpoints serving a model now. */
  endpointsFor(model: string): readonly BackendEndpoint[];
  limiterOf(endpoint: BackendEndpoint): EndpointLimiter;
  /** Whether the endpoint was set aside: nothing answered there since its last listing. */
  isSetAside(endpoint: BackendEndpoint): boolean;
  /** The model a served name stands for (Ollama's `llama3.2:latest` for `llama3.2`), or itself. */
  fullNameOf(model: string): string;
  /** Whether the endpoint's last listing had the model unloaded: it loads it first. */
  isCold(endpoint: BackendEndpoint, model: string): boolean;
  /** The endpoint gave output for a model it had unloaded: it is loaded now. */
  onLoaded(endpoint: BackendEndpoint, model: string): void;
  /**
   * The endpoint said it does not have a model it was listed with: time to read its list again.
   * `log` is the request's logger.
   */
  onModelLost(endpoint: BackendEndpoint, model: string, log: NatsLogger): void;
  /**
   * Nothing answered at the endpoint (`backend_unavailable`): its requests should go elsewhere
   * until it is listed again. `log` is the request's logger.
   */
  onUnavailable(endpoint: BackendEndpoint, log: NatsLogger): void;
  /** The adapter call for this operation. */
  generate(
    endpoint: BackendEndpoint,
    request: Request,
    signal: AbortSignal,
  ): AsyncIterable<GenerationEvent>;
}

/**
 * Serves one inference request: picks an endpoint, announces it in the start frame, waits for a
 * slot (heartbeating `queued`), then streams the backend's answer. The slot is released however
 * the request ends, so a cancelled or failed request never holds backend capacity.
 *
 * A backend that no longer has a model it was listed with (deleted since the last refresh) fails
 * the request with a retryable `model_not_found`: another replica may still have the model, so the
 * caller should try elsewhere rather than give up, and this worker re-reads its models at once.
 * One where nothing answers fails the request as it is (`backend_unavailable`, retryable), and the
 * worker sends the requests after it, and the caller's retry, to the model's other endpoints.
 */
export function inferenceHandler<Request extends ServedRequest>(
  deps: InferenceHandlerDeps<Request>,
) {
  const serve = served(deps);
  // One line per request at debug level, through the request's logger, so every request can be
  // followed by the caller's request id without flooding the log at the default level.
  return async (request: Request, ctx: StreamContext): Promise<StreamEnd> => {
    const startedAt = performance.now();
    // The endpoint picked, once it is: a worker serves a model from several backends, and the
    // line of a failure must name the one that failed, as the operator cannot ask the caller.
    const picked: PickedEndpoint = {};
    try {
      const end = await serve(request, ctx, picked);
      ctx.log.debug(
        {
          model: request.model,
          backend: picked.backend,
          finish_reason: end.finish_reason,
          usage: end.usage,
          ms: Math.round(performance.now() - startedAt),
        },
        'request done',
      );
      return end;
    } catch (error) {
      // A failure on the fleet's side (the backend failed or went away, a deadline, no slot) is
      // an operator's business, and the caller sees only its code: the worker's log keeps the
      // backend's own words. What the caller caused or chose (a cancel, a bad or unsupported
      // request) stays at debug.
      const level = isFleetFailure(error) ? 'warn' : 'debug';
      ctx.log[level](
        { model: request.model, backend: picked.backend, err: error },
        'request failed',
      );
      throw error;
    }
  };
}

/** Where {@link served} notes the backend it picked for a request: none before it picks one. */
interface PickedEndpoint {
  backend?: string;
}

function served<Request extends ServedRequest>(deps: InferenceHandlerDeps<Request>) {
  return async (
    request: Request,
    ctx: StreamContext,
    picked: PickedEndpoint,
  ): Promise<StreamEnd> => {
    // The queue group that chose this worker is the subject's; a request for another model would
    // be served here or refused as gone depending on which replica it reached.
    if (request.model !== deps.model) throw modelMismatch(request.model, deps.model);
    const endpoint = pickEndpoint(
      deps.endpointsFor(request.model),
      deps.limiterOf,
      deps.isSetAside,
    );
    if (endpoint === undefined) {
      // The model went away between the subscription and this request; another worker may have it.
      throw new SwitchyardError(
        'backend_unavailable',
        `this worker no longer serves "${request.model}"`,
      );
    }
    picked.backend = endpoint.id;
    ctx.start({ kind: deps.kind, backend: endpoint.id });
    ctx.log.debug({ model: request.model, backend: endpoint.id }, 'request started');
    const limiter = deps.limiterOf(endpoint);
    const mustWait = !limiter.hasFreeSlot;
    if (mustWait) ctx.setPhase('queued');
    const slot = await limiter.acquire(ctx.signal);
    try {
      // Handed to the backend, which loads the model first where its last listing had it
      // unloaded. A load (seconds to minutes) is announced at once, as is leaving a queue; a warm
      // answer is heard of only through the heartbeats of a quiet spell, so a quick one costs no
      // frame of its own.
      const cold = deps.isCold(endpoint, request.model);
      let phase: HeartbeatPhase = cold ? 'loading' : 'running';
      if (mustWait || cold) ctx.setPhase(phase);
      else ctx.notePhase(phase);
      const clock = { sentAt: performance.now(), queueMs: slot.waitedMs };
      const frames = new GenerationFrames(clock, request.parallel_tool_calls === false);
      for await (const event of deps.generate(endpoint, request, ctx.signal)) {
        const frame = frames.frameOf(event);
        if (frame === undefined) continue;
        if (frame.type === 'end') break;
        if (frame.type === 'heartbeat') {
          if (frame.phase !== undefined) ctx.setPhase(frame.phase);
          phase = frame.phase ?? phase;
        } else if (frame.type === 'delta') {
          // Output means the load is over: later quiet spells are generation, not loading.
          if (phase === 'loading') {
            ctx.notePhase('running');
            if (cold) deps.onLoaded(endpoint, request.model);
          }
          phase = 'running';
          ctx.send(frame);
        }
      }
      const { type: _type, ...end } = frames.endOfAnswer();
      // A backend repeats the name it was asked for (Ollama: `llama3.2`); the end frame names
      // the model itself, so a caller (and the gateway's metrics) see one name for it.
      if (end.model === request.model) end.model = deps.fullNameOf(request.model);
      return end;
    } catch (error) {
      if (error instanceof SwitchyardError && error.code === 'backend_unavailable') {
        deps.onUnavailable(endpoint, ctx.log);
      }
      if (!(error instanceof SwitchyardError) || error.code !== 'model_not_found') throw error;
      deps.onModelLost(endpoint, request.model, ctx.log);
      throw new SwitchyardError(
        'model_not_found',
        `${endpoint.id} no longer has "${request.model}": ${error.message}`,
        { retryable: true, cause: error, ...(error.details ? { details: error.details } : {}) },
      );
    } finally {
      slot.release();
    }
  };
}

function modelMismatch(requested: string, subjectModel: string): SwitchyardError {
  const message = `model "${requested}" is not the model the subject names, "${subjectModel}"`;
  return new SwitchyardError('bad_request', message, {
    details: { issues: [{ path: 'model', message }] },
  });
}
