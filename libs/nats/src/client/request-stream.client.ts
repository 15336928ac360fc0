import type { NatsConnection } from '@nats-io/transport-node';
import {
  encodeMessage,
  SwitchyardError,
  type DeltaFrame,
  type EndFrame,
  type StartFrame,
  type Subjects,
} from '@switchyard/contracts';
import { ConnectionWatch } from '../connection/connection-watch.js';
import { silentLogger, type NatsLogger } from '../logger.js';
import { FrameStreamImpl, type FrameStream } from './frame-stream.js';
import { ReplyInbox } from './reply-inbox.js';

/** What every streamed request carries: its id (for cancellation) and optionally its deadline. */
export interface StreamRequest {
  id: string;
  timeout_ms?: number | undefined;
}

/**
 * How many bytes of frames a caller may leave unread before its stream fails. A reader that keeps
 * up never gets near it; it only bounds the memory a stalled reader can pin.
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface RequestStreamClientOptions {
  /** Builds the cancel subject; its prefix must be the workers'. */
  subjects: Subjects;
  /**
   * Longest silence (no frame at all; heartbeats count) before the stream fails with
   * `stream_interrupted`. Keep it several heartbeat intervals long.
   */
  idleTimeoutMs: number;
  /** See {@link DEFAULT_MAX_BUFFERED_BYTES}. */
  maxBufferedBytes?: number;
  /**
   * What the client knows of the connection's outages (see {@link ConnectionWatch}). Default: a
   * watch of its own, with `nats.outage_wait_ms`'s default.
   */
  connection?: ConnectionWatch;
  logger?: NatsLogger;
}

export interface StreamCallOptions {
  /** The whole request's deadline, from sending. Default: the request's `timeout_ms`. */
  timeoutMs?: number;
  /** Overrides the client's idle timeout for this request. */
  idleTimeoutMs?: number;
  /**
   * The longest wait for the first frame, from sending: a worker sends one (its `start`, with the
   * frame after it) within one heartbeat interval of taking a request, so one silent for several
   * has hung or died with the request, and the caller can give up on it long before the idle
   * timeout, which must also bear a worker's own reconnection mid-answer. Later, a stream silent
   * for longer than this and the connection's outage wait asks its worker for the frames, and
   * fails when none come within `WORKER_ANSWER_WAIT_MS`: a worker that died mid-answer is given
   * up in seconds. Default: the idle timeout (nobody is asked then).
   */
  firstFrameTimeoutMs?: number;
  /** Aborting it cancels the request: the worker is told, the stream throws `cancelled`. */
  signal?: AbortSignal;
  /** NATS headers sent with the request, such as `REQUEST_ID_HEADER`. */
  headers?: Readonly<Record<string, string>>;
}

/** A whole answer, for callers that do not stream. */
export interface StreamResult {
  start: StartFrame;
  deltas: DeltaFrame[];
  end: EndFrame;
  /** The `text` of every delta, joined. */
  text: string;
}

/**
 * The calling side of the request-stream protocol: sends a request to a subject with a fresh
 * reply inbox and reads the numbered frames that come back.
 *
 * Failures are {@link SwitchyardError}s with catalogued codes:
 * - `no_responders` at once when nobody subscribes to the subject (NATS's 503 status);
 * - `timeout` when the deadline passes; the worker is sent a cancel;
 * - `stream_interrupted` when no frame arrives for the idle timeout, or the worker does not
 *   answer when asked for a stream silent past `firstFrameTimeoutMs` (the responder died or the
 *   connection broke: retrying elsewhere may work), when a frame is lost (a `seq` gap), or when
 *   the reader falls more than `maxBufferedBytes` behind; the worker is sent a cancel;
 * - `nats_unavailable` when the connection has been lost for `nats.outage_wait_ms` (a request
 *   made while it is lost waits for it up to then, and is sent once it is back), or when the
 *   stream went quiet for the idle timeout and the NATS server does not answer a ping either;
 * - `cancelled` when the caller's signal aborts; the worker is sent a cancel;
 * - the worker's own error, rebuilt from its `error` frame.
 *
 * Buffering is bounded: NATS has no flow control on a reply inbox, so a reader that falls too
 * far behind fails its stream (and cancels the work) rather than letting memory grow.
 *
 * A cancel can be lost (sent while the worker is cut off from NATS): after one, the client keeps
 * watching the stream's reply subject, and sends the cancel again while frames keep coming, until
 * a terminal frame or the request's deadline (see `AbandonedRoutes`).
 */
export class RequestStreamClient {
  private readonly logger: NatsLogger;
  private readonly maxBufferedBytes: number;
  private readonly inbox: ReplyInbox;
  private readonly connection: ConnectionWatch;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: RequestStreamClientOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.inbox = new ReplyInbox(nc);
    this.connection = options.connection ?? new ConnectionWatch(nc);
    this.connection.onOutage((error) => this.inbox.failOpen(error));
    this.connection.onReconnect(() => this.inbox.reconnected());
    positive(options.idleTimeoutMs, 'idleTimeoutMs');
    positive(this.maxBufferedBytes, 'maxBufferedBytes', 'bytes');
  }

  /**
   * Sends `request` to `subject` and returns its reply stream. The request goes out at once;
   * iterate the stream to read the answer (see {@link FrameStream}). Throws at once a
   * `RangeError` when there is no deadline, and `bad_request` when the request id cannot name a
   * cancel subject.
   */
  stream(subject: string, request: StreamRequest, options: StreamCallOptions = {}): FrameStream {
    const timeoutMs = options.timeoutMs ?? request.timeout_ms;
    if (timeoutMs === undefined) {
      throw new RangeError('give the request a deadline: timeoutMs, or timeout_ms in the request');
    }
    positive(timeoutMs, 'timeoutMs');
    const idleTimeoutMs = options.idleTimeoutMs ?? this.options.idleTimeoutMs;
    positive(idleTimeoutMs, 'idleTimeoutMs');
    const firstFrameTimeoutMs = options.firstFrameTimeoutMs ?? idleTimeoutMs;
    positive(firstFrameTimeoutMs, 'firstFrameTimeoutMs');
    let cancelSubject: string;
    try {
      cancelSubject = this.options.subjects.cancel(request.id);
    } catch (error) {
      throw new SwitchyardError('bad_request', (error as Error).message, { cause: error });
    }
    return new FrameStreamImpl({
      nc: this.nc,
      inbox: this.inbox,
      connection: this.connection,
      subject,
      payload: encodeMessage(request),
      requestId: request.id,
      cancelSubject,
      subjects: this.options.subjects,
      timeoutMs,
      requestTimeoutMs: request.timeout_ms,
      idleTimeoutMs,
      firstFrameTimeoutMs,
      maxBufferedBytes: this.maxBufferedBytes,
      signal: options.signal,
      headers: options.headers,
      logger: this.logger,
    });
  }

  /** Sends `request` and waits for the whole answer. Fails as {@link stream} does. */
  async collect(
    subject: string,
    request: StreamRequest,
    options: StreamCallOptions = {},
  ): Promise<StreamResult> {
    let start: StartFrame | undefined;
    const deltas: DeltaFrame[] = [];
    for await (const frame of this.stream(subject, request, options)) {
      if (frame.type === 'start') start = frame;
      else if (frame.type === 'delta') deltas.push(frame);
      else if (frame.type === 'end' && start !== undefined) {
        return { start, deltas, end: frame, text: deltas.map((d) => d.text ?? '').join('') };
      }
    }
    // The stream checks that a start frame comes first and that it ends with end or an error.
    throw new SwitchyardError('internal', 'the reply stream ended without an end frame');
  }
}

function positive(value: number, name: string, unit = 'milliseconds'): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number of ${unit} (got ${value})`);
  }
}
