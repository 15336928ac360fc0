import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { decodeMessage, SwitchyardError, type Subjects } from '@switchyard/contracts';
import { ConnectionWatch } from '../connection/connection-watch.js';
import { silentLogger, withFields, type NatsLogger } from '../logger.js';
import { CallerProbes } from './caller-probes.js';
import { CancelRouter } from './cancel-router.js';
import { InFlightRequests } from './in-flight-requests.js';
import { flushEndOfTurn } from '../end-of-turn.js';
import { FramePublisher } from './frame-publisher.js';
import { ReplyStream } from './reply-stream.js';
import { ResendRouter } from './resend-router.js';
import { traceRequestReceive } from '../tracing-channels.js';
import { idOf, logFieldsOf, timeoutOf } from './request-fields.js';
import type {
  DecodedRequest,
  RequestSchema,
  StreamContext,
  StreamHandler,
} from './stream-handler.js';

export interface StreamServerOptions {
  /** The subjects of the protocol (cancel wildcard, default queue group). */
  subjects: Subjects;
  /** This process's worker id, sent in every start frame. */
  workerId: string;
  /** A heartbeat goes out after this long without any other frame. */
  heartbeatIntervalMs: number;
  /** The deadline of a request that carries no `timeout_ms`. */
  defaultTimeoutMs: number;
  /** Requests larger than this are answered with `bad_request`. Default: no limit of its own. */
  maxRequestBytes?: number;
  /**
   * What the server knows of the connection's outages (see {@link FramePublisher}). Default: a
   * watch of its own, with `nats.outage_wait_ms`'s default.
   */
  connection?: ConnectionWatch;
  logger?: NatsLogger;
}

/**
 * The parts of a NATS message a request needs. Any nats.js `Msg` fits, including those of
 * `@nats-io/services` endpoints, which may come from another copy of nats-core.
 */
export interface RequestMessage {
  readonly subject: string;
  readonly reply?: string | undefined;
  readonly data: Uint8Array;
  /** The message's NATS headers; only `REQUEST_ID_HEADER` is read. */
  readonly headers?: RequestHeaders | undefined;
}

/** What a request's NATS headers must offer: nats.js `MsgHdrs` fits. */
export interface RequestHeaders {
  /** The header's first value, or `''` when it is absent. */
  get(name: string): string;
}

export interface HandleOptions<S extends RequestSchema> {
  /** Validates each request; invalid ones are answered with a `bad_request` error frame. */
  schema: S;
  /** Names the request in error messages ("chat request is invalid: …"). Default "request". */
  what?: string;
}

export interface ServeOptions<S extends RequestSchema> extends HandleOptions<S> {
  /** The queue group. Default: the workers' queue group (`subjects.workerQueue`). */
  queue?: string;
}

/** The subscriptions of one {@link StreamServer.serve} call. */
export interface StreamEndpoint {
  readonly subjects: readonly string[];
  /** Stops taking requests on these subjects; requests in flight run on. */
  stop(): Promise<void>;
}

/** After aborting what outlived the grace period, how long handlers get to notice. */
const SETTLE_AFTER_ABORT_MS = 1_000;

/**
 * The serving side of the request-stream protocol, one per process. `serve()` subscribes in a
 * queue group and runs a handler per request; the server numbers the frames, sends the start
 * frame the handler asks for, heartbeats while the handler is quiet and exactly one terminal frame.
 * Cancel messages, the request's deadline (`timeout_ms`, else `defaultTimeoutMs`) and `stop()`
 * abort the handler's signal and end the stream with `cancelled` or `timeout` at once. Frames
 * made while the connection is lost are held until it is back; an outage longer than
 * `nats.outage_wait_ms` aborts every handler with `nats_unavailable` (see {@link FramePublisher}).
 * A caller whose own connection dropped asks for the frames it missed with a resend message
 * (see `ReplyStream.resend`).
 */
export class StreamServer {
  private readonly logger: NatsLogger;
  private readonly cancels: CancelRouter;
  private readonly resends: ResendRouter;
  private readonly probes: CallerProbes;
  private readonly endpoints = new Set<Subscription[]>();
  private readonly inFlightRequests = new InFlightRequests();
  private readonly publisher: FramePublisher;
  private stopping = false;
  private stopped = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: StreamServerOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    const connection = options.connection ?? new ConnectionWatch(nc);
    this.publisher = new FramePublisher(nc, connection, (error) =>
      this.stopForLostConnection(error),
    );
    this.probes = new CallerProbes(
      nc,
      options.heartbeatIntervalMs,
      connection.outageWaitMs,
      this.logger,
    );
    // Subscribed before any request subject, so no cancel can overtake its request.
    this.cancels = new CancelRouter(nc, options.subjects, this.logger);
    this.resends = new ResendRouter(nc, options.subjects, this.logger);
  }

  /** Requests whose handler has not finished yet. */
  get inFlight(): number {
    return this.inFlightRequests.size;
  }

  /** Serves requests sent to `subject` (or each of several subjects) with `handler`. */
  serve<S extends RequestSchema>(
    subject: string | readonly string[],
    options: ServeOptions<S>,
    handler: StreamHandler<DecodedRequest<S>>,
  ): StreamEndpoint {
    if (this.stopping) throw new Error('the stream server is stopping');
    const subjects = typeof subject === 'string' ? [subject] : [...subject];
    const queue = options.queue ?? this.options.subjects.workerQueue;
    const subscriptions = subjects.map((s) =>
      this.nc.subscribe(s, {
        queue,
        callback: (error, msg) => {
          if (error) this.logger.error({ err: error, subject: s }, 'request subscription failed');
          else this.handle(msg, options, handler);
        },
      }),
    );
    this.endpoints.add(subscriptions);
    return {
      subjects,
      stop: async () => {
        this.endpoints.delete(subscriptions);
        await drainAll(subscriptions);
      },
    };
  }

  /**
   * Stops taking requests, lets those in flight finish for `graceMs`, then aborts the rest (their
   * callers get a retryable `overloaded`) and waits briefly for their handlers to return.
   */
  async stop({ graceMs }: { graceMs: number }): Promise<void> {
    this.stopping = true;
    const endpoints = [...this.endpoints];
    this.endpoints.clear();
    await Promise.all(endpoints.map(drainAll));
    if (!(await this.inFlightRequests.waitIdle(graceMs))) {
      this.inFlightRequests.abortAll(shuttingDown());
      if (!(await this.inFlightRequests.waitIdle(SETTLE_AFTER_ABORT_MS))) {
        this.logger.warn({ in_flight: this.inFlight }, 'handlers ignored their abort signal');
      }
    }
    flushEndOfTurn();
    this.cancels.close();
    this.resends.close();
    this.probes.close();
    this.stopped = true;
  }

  /**
   * Serves one request message that arrived on a subscription of the caller's own, such as a
   * NATS micro service endpoint: the same validation, frames, cancellation, deadline and
   * in-flight accounting as {@link serve}. After `stop()` it answers with a retryable `overloaded`.
   */
  handle<S extends RequestSchema>(
    msg: RequestMessage,
    options: HandleOptions<S>,
    handler: StreamHandler<DecodedRequest<S>>,
  ): void {
    if (!msg.reply) {
      this.logger.warn({ subject: msg.subject }, 'request without a reply subject dropped');
      return;
    }
    const controller = new AbortController();
    const probe = this.probes.watch((silentForMs) => controller.abort(callerGone(silentForMs)));
    const reply = new ReplyStream(
      this.publisher,
      msg.reply,
      this.options.heartbeatIntervalMs,
      this.logger,
      (error) => controller.abort(error),
      probe,
    );
    if (this.stopped) {
      reply.fail(shuttingDown());
      return;
    }
    let request: DecodedRequest<S>;
    let requestId: string;
    try {
      request = this.decode(msg, options);
      requestId = idOf(request);
    } catch (error) {
      reply.fail(SwitchyardError.from(error, 'bad_request'));
      return;
    }
    traceRequestReceive(msg.subject, requestId, msg.reply);
    const timeoutMs = timeoutOf(request) ?? this.options.defaultTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const timer = setTimeout(
      () =>
        controller.abort(new SwitchyardError('timeout', `the deadline of ${timeoutMs} ms passed`)),
      timeoutMs,
    );
    controller.signal.addEventListener('abort', () => {
      reply.fail(SwitchyardError.from(controller.signal.reason));
    });
    const unregister = this.cancels.register(requestId, controller);
    const unregisterResends = this.resends.register(msg.reply, reply);
    const log = withFields(this.logger, () => logFieldsOf(requestId, msg.headers));
    const ctx: StreamContext = {
      requestId,
      log,
      get callerRequestId() {
        return logFieldsOf(requestId, msg.headers).request_id;
      },
      signal: controller.signal,
      deadline,
      start: ({ kind, backend }) =>
        reply.start({
          request_id: requestId,
          worker: this.options.workerId,
          kind,
          backend,
          cancel: this.options.subjects.cancel(requestId),
        }),
      send: (frame) => reply.send(frame),
      setPhase: (phase) => reply.setPhase(phase),
      notePhase: (phase) => reply.notePhase(phase),
    };
    this.inFlightRequests.add(controller);
    void (async () => {
      try {
        reply.end(await handler(request, ctx));
      } catch (error) {
        const failure = SwitchyardError.from(error);
        if (failure.code === 'internal' && !reply.isEnded) {
          log.error({ err: error }, 'request handler failed');
        }
        reply.fail(failure);
      } finally {
        clearTimeout(timer);
        unregister();
        unregisterResends();
        this.inFlightRequests.delete(controller);
      }
    })();
  }

  /** Nobody can hear the requests in flight, or will by the time NATS is back: stop them. */
  private stopForLostConnection(error: SwitchyardError): void {
    if (this.inFlight === 0) return;
    this.logger.warn(
      { err: error, in_flight: this.inFlight },
      'NATS is gone for too long: stopping the requests in flight',
    );
    this.inFlightRequests.abortAll(error);
  }

  private decode<S extends RequestSchema>(
    msg: RequestMessage,
    options: HandleOptions<S>,
  ): DecodedRequest<S> {
    const what = options.what ?? 'request';
    const limit = this.options.maxRequestBytes;
    if (limit !== undefined && msg.data.length > limit) {
      throw new SwitchyardError(
        'bad_request',
        `${what} is ${msg.data.length} bytes; the limit is ${limit}`,
        {
          details: { size_bytes: msg.data.length, limit_bytes: limit },
        },
      );
    }
    return decodeMessage(options.schema, msg.data, what);
  }
}

async function drainAll(subscriptions: readonly Subscription[]): Promise<void> {
  await Promise.all(
    subscriptions.map((subscription) =>
      subscription.isClosed() ? undefined : subscription.drain().catch(() => undefined),
    ),
  );
}

/** The caller's process is gone (see `CallerProbes`): as if it had cancelled. */
function callerGone(silentForMs: number): SwitchyardError {
  return new SwitchyardError(
    'cancelled',
    `nobody has listened on the reply subject for ${silentForMs} ms: the caller is gone`,
  );
}

/**
 * `overloaded`, as a gateway that shuts down answers: this worker takes no more work, and another
 * can take the request. Not `cancelled`, which tells the caller it went away itself.
 */
function shuttingDown(): SwitchyardError {
  return new SwitchyardError('overloaded', 'the worker shut down before it finished');
}
