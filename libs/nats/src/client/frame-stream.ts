import {
  headers as natsHeaders,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
} from '@nats-io/transport-node';
import {
  decodeReplyFrame,
  encodeMessage,
  isTerminalFrame,
  SwitchyardError,
  type CancelMessage,
  type DeltaFrame,
  type EndFrame,
  type HeartbeatFrame,
  type ReplyFrame,
  type ResendMessage,
  type StartFrame,
  type Subjects,
} from '@switchyard/contracts';
import type { ConnectionWatch } from '../connection/connection-watch.js';
import { maxPayloadOf, messageBytes } from '../connection/max-payload.js';
import { atEndOfTurn } from '../end-of-turn.js';
import { callerCancelled } from '../caller-cancelled.js';
import type { NatsLogger } from '../logger.js';
import { traceFrameReceive, traceRequestPublish } from '../tracing-channels.js';
import { orderViolation, statusError } from './frame-checks.js';
import { FrameQueue } from '../frame-queue.js';
import { FrameGaps } from './frame-gaps.js';
import type { ReplyInbox, ReplyListener, ReplyRoute } from './reply-inbox.js';

/** The frames a caller reads: everything but `error`, which is thrown instead. */
export type StreamFrame = StartFrame | DeltaFrame | HeartbeatFrame | EndFrame;

/**
 * The reply stream of one request. Iterate it once with `for await`: it yields the `start` frame,
 * then `delta` and `heartbeat` frames in order, and the `end` frame last; an `error` frame, a
 * broken stream, the deadline or an abort throw a {@link SwitchyardError} instead. Leaving the loop
 * early (`break`, an exception) cancels the request.
 */
export interface FrameStream extends AsyncIterable<StreamFrame> {
  readonly requestId: string;
}

/** Everything one stream needs, resolved by the client. */
export interface FrameStreamSetup {
  nc: NatsConnection;
  /** Where the replies come in: the client's shared inbox subscription. */
  inbox: ReplyInbox;
  /** Whether the connection is there to send on; see {@link ConnectionWatch}. */
  connection: ConnectionWatch;
  subject: string;
  payload: Uint8Array;
  requestId: string;
  cancelSubject: string;
  /** Names the resend subject of a stream that lost frames. */
  subjects: Subjects;
  timeoutMs: number;
  /** The request's own `timeout_ms`, after which the worker stops by itself. */
  requestTimeoutMs: number | undefined;
  idleTimeoutMs: number;
  /** The idle timeout until the first frame, counted from sending. */
  firstFrameTimeoutMs: number;
  maxBufferedBytes: number;
  signal: AbortSignal | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
  logger: NatsLogger;
}

const MAX_CANCEL_REASON = 1024;

/**
 * How long a worker asked for its stream has to answer: a live one does at once, a NATS round trip
 * and a turn of its event loop, so this is slack for a loaded machine.
 */
export const WORKER_ANSWER_WAIT_MS = 2_000;

/**
 * The detail of a `stream_interrupted` the reader caused by falling behind (the buffer bound),
 * unlike the others, which say the responder or NATS went silent.
 */
export const READER_BEHIND = 'reader_behind';

/** A frame that came with its size, as the stream buffers it. */
interface Received {
  frame: ReplyFrame;
  bytes: number;
}

export class FrameStreamImpl implements FrameStream, AsyncIterator<StreamFrame>, ReplyListener {
  readonly requestId: string;
  private readonly queue = new FrameQueue<Received>();
  private bufferedBytes = 0;
  private route: ReplyRoute | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** What the idle timer was set to: see {@link armIdleTimer}. */
  private idleTimerMs: number;
  /**
   * After the first frame, how long the stream may be silent before its worker is asked whether
   * it still runs the request. A live worker sends a frame at least every heartbeat interval
   * (which the first-frame timeout bounds), and holds its frames while its own connection to
   * NATS is lost, for at most the outage wait: a silence longer than both means it died or hung.
   * Never longer than the idle timeout; equal to it, nobody is asked.
   */
  private readonly askAfterMs: number;
  /** Whether the worker has been asked for its stream in this silence. */
  private askedWorker = false;
  private nextSeq = 0;
  /** No more frames will be accepted: the terminal frame came, or the stream failed. */
  private finished = false;
  /** Set when the stream failed locally; thrown once, in place of any buffered frames. */
  private failure: SwitchyardError | undefined;
  /** The reader has seen the end: the last frame, or the error. */
  private done = false;
  private waiters: (() => void)[] = [];
  /** When the request went out (`Date.now()`); until then there is nothing to cancel. */
  private publishedAt: number | undefined;
  /** Frames that came after a missing one, until it is sent again (see `repair`). */
  private readonly gaps: FrameGaps<Received>;
  /** A catalogued reason is the caller's own word for why (a gateway shutting down: `overloaded`). */
  private readonly onAbort = () => {
    const reason: unknown = this.setup.signal?.reason;
    this.fail(
      reason instanceof SwitchyardError ? reason : callerCancelled(undefined, reason),
      true,
    );
  };

  constructor(private readonly setup: FrameStreamSetup) {
    this.requestId = setup.requestId;
    const { idleTimeoutMs, firstFrameTimeoutMs, connection } = setup;
    this.askAfterMs = Math.min(
      idleTimeoutMs,
      Math.max(firstFrameTimeoutMs, connection.outageWaitMs),
    );
    this.idleTimerMs = firstFrameTimeoutMs;
    this.gaps = new FrameGaps<Received>(
      { askForResend: () => this.askForResend(), giveUp: (ms) => this.giveUpOnGaps(ms) },
      setup.connection.outageWaitMs,
    );
    if (setup.signal?.aborted) {
      const reason: unknown = setup.signal.reason;
      this.fail(
        new SwitchyardError('cancelled', 'cancelled before it was sent', { cause: reason }),
        false,
      );
      return;
    }
    try {
      // Listen before publishing (at the end of the turn): replies may come at once.
      this.route = setup.inbox.open(this);
    } catch (error) {
      this.fail(SwitchyardError.from(error, 'internal'), false);
      return;
    }
    atEndOfTurn(this.publishRequest);
    setup.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.deadlineTimer = setTimeout(
      () =>
        this.fail(
          new SwitchyardError('timeout', `no complete answer within ${setup.timeoutMs} ms`),
          true,
        ),
      setup.timeoutMs,
    );
    this.idleTimer = setTimeout(this.onIdle, setup.firstFrameTimeoutMs);
  }

  /** Sets the idle timer going afresh, for `ms`. */
  private armIdleTimer(ms: number): void {
    clearTimeout(this.idleTimer);
    this.idleTimerMs = ms;
    this.idleTimer = setTimeout(this.onIdle, ms);
  }

  /**
   * The stream went quiet: before the first frame for the first-frame timeout; after it for
   * {@link askAfterMs}, when the worker is asked for its stream, and then for
   * {@link WORKER_ANSWER_WAIT_MS} more (or for the idle timeout, when that is no longer than
   * {@link askAfterMs} and nobody is asked). Silence is the outage's while the
   * connection is lost; otherwise the worker hung or died, or NATS itself is gone (a server that
   * hangs keeps the socket open, and nats.js notices only when its periodic pings go unanswered).
   */
  private readonly onIdle = (): void => {
    if (this.setup.connection.lost) {
      // A stream waits for the connection `nats.outage_wait_ms`, and the watch fails it after
      // that (a request not sent yet goes out once it is back).
      this.idleTimer?.refresh();
      return;
    }
    if (this.nextSeq > 0 && !this.askedWorker && this.askAfterMs < this.setup.idleTimeoutMs) {
      this.askWorker();
      return;
    }
    this.giveUpOnSilence();
  };

  /**
   * Asks the worker for its frames from the next one expected. One that still runs the request
   * answers at once (with a heartbeat when none is missing, see the protocol's lost frames), and
   * the stream goes on; one that died or hung does not, and the stream is given up after
   * {@link WORKER_ANSWER_WAIT_MS}, long before the idle timeout. The answer also tells a silence
   * of our own: a gateway whose event loop was held up runs its timers before it reads the
   * frames that waited meanwhile.
   */
  private askWorker(): void {
    this.askedWorker = true;
    this.askForResend();
    this.armIdleTimer(WORKER_ANSWER_WAIT_MS);
  }

  /** A ping tells a worker that went quiet from a NATS server that did. */
  private giveUpOnSilence(): void {
    const framesSeen = this.nextSeq;
    const { connection } = this.setup;
    void connection.answers().then((answered) => {
      // A frame that came during the ping set the idle timer going again.
      if (this.finished || this.nextSeq !== framesSeen) return;
      const quiet = this.silence();
      const workerSilent = framesSeen === 0 || this.askedWorker;
      this.fail(
        answered
          ? new SwitchyardError(
              'stream_interrupted',
              workerSilent
                ? `${quiet}: the worker that took it did not answer (it may have hung or died)`
                : `${quiet}: the responder went quiet (it may have died)`,
            )
          : new SwitchyardError(
              'nats_unavailable',
              `${quiet}, and the NATS server (${connection.server}) does not answer a ping; reconnecting`,
            ),
        true,
      );
    });
  }

  /** What the stream has not heard, for its failure's message. */
  private silence(): string {
    const { idleTimeoutMs, firstFrameTimeoutMs } = this.setup;
    if (this.nextSeq === 0) {
      return `no frame within ${firstFrameTimeoutMs} ms of sending the request`;
    }
    if (this.askedWorker) {
      return `no frame for ${this.askAfterMs} ms, nor within ${WORKER_ANSWER_WAIT_MS} ms of asking the worker for them`;
    }
    return `no frame for ${idleTimeoutMs} ms`;
  }

  /**
   * Publishes the request, at the end of the turn it was made in (see `atEndOfTurn`): a gateway
   * taking many HTTP requests at once sends them in a few socket writes, not one each. A stream
   * that failed or was cancelled before then sends nothing.
   */
  private readonly publishRequest = (): void => {
    if (this.finished || this.route === undefined) return;
    const { connection } = this.setup;
    const unavailable = connection.unavailable();
    if (unavailable) {
      this.fail(unavailable, false);
      return;
    }
    if (connection.lost) {
      // nats.js drops what is published while it dials again: send it once the connection is back.
      const refused = connection.whenConnected(this.publishRequest, this.setup.payload.length);
      if (refused) this.fail(refused, false);
      return;
    }
    // Read for every request: a reconnect may land on a server with another limit.
    const maxPayload = maxPayloadOf(this.setup.nc);
    const bytes = messageBytes(this.setup.payload, this.setup.headers);
    if (bytes > maxPayload) {
      this.fail(requestTooLarge(bytes, maxPayload), false);
      return;
    }
    try {
      this.setup.nc.publish(this.setup.subject, this.setup.payload, {
        reply: this.route.subject,
        ...(this.setup.headers === undefined ? {} : { headers: headersOf(this.setup.headers) }),
      });
      this.publishedAt = Date.now();
      // The wait for the first frame counts from here: sending may have waited for a reconnect.
      this.idleTimer?.refresh();
      traceRequestPublish(this.setup.subject, this.requestId);
    } catch (error) {
      this.fail(SwitchyardError.from(error, 'internal'), false);
    }
  };

  [Symbol.asyncIterator](): AsyncIterator<StreamFrame> {
    return this;
  }

  async next(): Promise<IteratorResult<StreamFrame>> {
    for (;;) {
      if (this.done) return { done: true, value: undefined };
      if (this.failure) {
        this.done = true;
        throw this.failure;
      }
      const entry = this.queue.take();
      if (entry !== undefined) {
        const { frame } = entry;
        this.bufferedBytes -= entry.bytes;
        if (isTerminalFrame(frame)) this.done = true;
        if (frame.type === 'error') throw SwitchyardError.fromWire(frame.error);
        return { done: false, value: frame };
      }
      if (this.finished) {
        this.done = true;
        continue;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** The reader left early: cancel the request unless it has already ended. */
  async return(): Promise<IteratorResult<StreamFrame>> {
    // A reader that stops at the end frame lands here on every request: no error to build then.
    if (!this.finished) {
      this.fail(new SwitchyardError('cancelled', 'the caller stopped reading the stream'), true);
    }
    this.done = true;
    return { done: true, value: undefined };
  }

  onReply(error: Error | null, msg: Msg | undefined): void {
    if (this.finished) return;
    if (error || msg === undefined) {
      // A catalogued error (an outage) is the reason itself; any other is the subscription's.
      if (error instanceof SwitchyardError) {
        this.fail(error, true);
        return;
      }
      const reason = error?.message ?? 'the reply subscription closed';
      this.fail(new SwitchyardError('stream_interrupted', reason, { cause: error }), true);
      return;
    }
    if (this.idleTimerMs === this.askAfterMs && !this.askedWorker) this.idleTimer?.refresh();
    else {
      this.askedWorker = false;
      this.armIdleTimer(this.askAfterMs);
    }
    const status = statusError(msg, this.setup.subject);
    if (status) {
      // no_responders: nobody got the request, so there is nothing to cancel.
      this.fail(status, status.code !== 'no_responders');
      return;
    }
    let frame: ReplyFrame;
    try {
      frame = decodeReplyFrame(msg.data);
    } catch (decodeError) {
      const reason = decodeError instanceof Error ? decodeError.message : String(decodeError);
      this.fail(new SwitchyardError('internal', reason, { cause: decodeError }), true);
      return;
    }
    traceFrameReceive(this.requestId, frame);
    const received = { frame, bytes: msg.data.length };
    if (frame.seq !== this.nextSeq) this.repair(received);
    else if (this.hasRoomFor(received.bytes)) this.accept(received);
    this.gaps.settle();
    this.wake();
  }

  /**
   * The connection is back after it was lost: frames the worker sent meanwhile never came. Ask
   * for them (the worker answers with a heartbeat when none is missing), unless nothing can be
   * missing yet: a request not yet sent goes out now, and its worker has sent nothing.
   */
  onReconnect(): void {
    if (this.finished || this.publishedAt === undefined) return;
    this.gaps.ask();
  }

  /** Takes the next frame in order, and those that came ahead of it and follow on. */
  private accept(received: Received): void {
    for (let next: Received | undefined = received; next !== undefined; next = this.takeAhead()) {
      const violation = orderViolation(next.frame, this.nextSeq, this.requestId);
      if (violation) {
        this.fail(violation, true);
        return;
      }
      this.nextSeq++;
      this.bufferedBytes += next.bytes;
      this.queue.push(next);
      if (isTerminalFrame(next.frame)) {
        this.finish();
        this.route?.close();
        return;
      }
    }
  }

  /** The frame that came ahead and is the next one now, out of those waiting. */
  private takeAhead(): Received | undefined {
    const next = this.gaps.take(this.nextSeq);
    if (next !== undefined) this.bufferedBytes -= next.bytes;
    return next;
  }

  /**
   * A frame out of order. One already taken is a frame sent again, and dropped. One ahead means
   * frames were lost on the way: it waits while the worker is asked for them (see
   * {@link FrameGaps}).
   */
  private repair(received: Received): void {
    const { seq } = received.frame;
    if (seq < this.nextSeq || this.gaps.has(seq)) return;
    if (!this.hasRoomFor(received.bytes)) return;
    this.bufferedBytes += received.bytes;
    this.gaps.hold(received);
  }

  /** Asks the worker once for the frames from the next one expected. */
  private askForResend(): void {
    const { nc, subjects, logger } = this.setup;
    const message: ResendMessage = {
      request_id: this.requestId,
      reply_to: this.route?.subject ?? '',
      from: this.nextSeq,
    };
    try {
      nc.publish(subjects.resend(this.requestId), encodeMessage(message));
    } catch (error) {
      // The connection is gone again: asked again later, or failed by its outage.
      logger.debug({ err: error, request_id: this.requestId }, 'resend request not sent');
    }
  }

  private giveUpOnGaps(askedForMs: number): void {
    const missing = this.gaps.holding
      ? `frame ${this.nextSeq} was lost`
      : 'the connection to NATS dropped, and the worker has not answered since';
    this.fail(
      new SwitchyardError(
        'stream_interrupted',
        `${missing}; asked for the frames again for ${askedForMs} ms and they did not come`,
      ),
      true,
    );
  }

  /** Whether `bytes` more fit in the buffer; fails the stream when they do not. */
  private hasRoomFor(bytes: number): boolean {
    if (this.bufferedBytes + bytes <= this.setup.maxBufferedBytes) return true;
    this.fail(
      new SwitchyardError(
        'stream_interrupted',
        `the caller fell behind: ${this.queue.size} frames (${this.bufferedBytes} bytes) were waiting to be read`,
        // The reader's doing, not the responder's: a caller telling the two apart reads this.
        { details: { [READER_BEHIND]: true } },
      ),
      true,
    );
    return false;
  }

  private fail(error: SwitchyardError, cancel: boolean): void {
    if (this.finished) return;
    this.failure = error;
    this.queue.clear();
    this.gaps.clear();
    this.bufferedBytes = 0;
    this.finish();
    if (cancel && this.publishedAt !== undefined) this.cancel(error.message, this.publishedAt);
    else this.route?.close();
    this.wake();
  }

  /** Stops taking frames. The caller closes or abandons the route. */
  private finish(): void {
    this.finished = true;
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.idleTimer);
    this.gaps.clear();
    this.setup.signal?.removeEventListener('abort', this.onAbort);
  }

  /**
   * Tells the worker to stop, and leaves the route abandoned rather than closed: a cancel can be
   * lost (see `AbandonedRoutes`), and frames still coming then send it again. The route is
   * watched until the worker would stop by itself: the later of this stream's deadline and the
   * request's `timeout_ms`, both counted from sending.
   */
  private cancel(reason: string, publishedAt: number): void {
    const { nc, cancelSubject, logger, timeoutMs, requestTimeoutMs } = this.setup;
    const message: CancelMessage = {
      request_id: this.requestId,
      reason: reason.slice(0, MAX_CANCEL_REASON),
    };
    const send = cancelSender(nc, cancelSubject, encodeMessage(message), logger, this.requestId);
    send();
    const workerStopsAt = publishedAt + Math.max(timeoutMs, requestTimeoutMs ?? 0);
    this.route?.abandon(workerStopsAt - Date.now(), send);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * Publishes one request's cancel. It holds only what the cancel needs, not the stream (whose
 * request body may be large), since an abandoned route keeps it for minutes.
 */
function cancelSender(
  nc: NatsConnection,
  subject: string,
  payload: Uint8Array,
  logger: NatsLogger,
  requestId: string,
): () => void {
  return () => {
    try {
      nc.publish(subject, payload);
    } catch (error) {
      // The connection is gone; the worker's own deadline ends the request instead.
      logger.debug({ err: error, request_id: requestId }, 'cancel not sent');
    }
  };
}

function requestTooLarge(bytes: number, maxPayload: number): SwitchyardError {
  return new SwitchyardError(
    'payload_too_large',
    `the request is ${bytes} bytes, over the NATS server's max_payload of ${maxPayload} bytes: ` +
      "send less (shorter messages, fewer or smaller images), or raise max_payload in the NATS server's configuration",
    { details: { bytes, max_payload: maxPayload } },
  );
}

function headersOf(values: Readonly<Record<string, string>>): MsgHdrs {
  const result = natsHeaders();
  for (const [name, value] of Object.entries(values)) result.set(name, value);
  return result;
}
