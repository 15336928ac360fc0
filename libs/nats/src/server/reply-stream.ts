import {
  encodeMessage,
  SwitchyardError,
  type ReplyFrame,
  type StartFrame,
} from '@switchyard/contracts';
import { atEndOfTurn } from '../end-of-turn.js';
import { FrameQueue } from '../frame-queue.js';
import type { NatsLogger } from '../logger.js';
import type { CallerProbe } from './caller-probes.js';
import type { FramePublisher } from './frame-publisher.js';
import { traceFramePublish } from '../tracing-channels.js';
import { deltaPieces } from './delta-pieces.js';
import { logprobPieces, MAX_LOGPROBS_PER_FRAME } from './logprob-pieces.js';
import type { HeartbeatPhase, StreamEnd, StreamUpdate } from './stream-handler.js';

/**
 * A delta that carries only text (with or without its tokens' logprobs), or only reasoning: such
 * deltas can be joined.
 */
type JoinableDelta = Extract<StreamUpdate, { type: 'delta' }> & { type: 'delta' };

/**
 * The frames of one reply, as the server sends them: numbered from 0 without gaps, `start`
 * first, heartbeats whenever nothing else went out for an interval, and exactly one terminal
 * frame with nothing after it. The start frame goes out with the frame after it (see
 * `releaseStart`).
 *
 * Text (or reasoning) deltas a handler sends within one turn of the event loop — the tokens of one
 * backend read — go out as one frame, joined in order: a message per token would cost a NATS
 * message, a socket write and a parse at every hop for nothing, since they arrived together. Text
 * deltas with `logprobs` join too, their entries concatenated in order, so that each entry still
 * belongs to a token of the joined text; they never join a text delta without any, whose tokens
 * the entries would not account for. A frame holds at most {@link MAX_LOGPROBS_PER_FRAME} of them
 * (see `logprobPieces`), so a long answer's entries never pass NATS's payload limit.
 * Anything else, and the end of the turn, sends the joined delta first, so order never changes.
 * The joined deltas of every stream go out together at the end of the turn, and so do the `end`
 * frames of the streams whose handlers returned in it, so that a worker serving many requests
 * writes to its NATS socket once per turn, not once per request. (An `error` frame goes at once:
 * it is rare, and may be all a stream ever sends.)
 */
export class ReplyStream {
  private seq = 0;
  private pending: JoinableDelta | undefined;
  private started = false;
  /** The start frame until the first frame after it, which it goes out with. */
  private heldStart: StartFrame | undefined;
  /** The `end` frame from the handler's return until the end of its turn. */
  private heldEnd: ReplyFrame | undefined;
  /** The handler's side is over: `end` or `fail` was called, or a frame could not be sent. */
  private ended = false;
  /** The terminal frame went out: nothing more can. */
  private closed = false;
  private phase: HeartbeatPhase | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** The frames sent last, as sent, for a caller that lost them: see {@link resend}. */
  private readonly retained = new FrameQueue<Uint8Array>();
  private retainedBytes = 0;

  constructor(
    private readonly publisher: FramePublisher,
    private readonly inbox: string,
    private readonly heartbeatIntervalMs: number,
    private readonly logger: NatsLogger,
    /** Told when a frame cannot be sent, so the handler stops working for nobody. */
    private readonly onBroken: (error: SwitchyardError) => void = () => undefined,
    /** Puts a reply subject on a frame now and then, to learn whether the caller still listens. */
    private readonly probe?: CallerProbe,
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  start(frame: Omit<StartFrame, 'type' | 'seq'>): void {
    if (this.ended) return;
    if (this.started) throw new Error('start() was already called for this request');
    this.started = true;
    this.heldStart = { type: 'start', seq: this.seq, ...frame };
    this.heartbeat = setTimeout(() => this.beat(), this.heartbeatIntervalMs);
  }

  send(frame: StreamUpdate): void {
    if (this.ended) return;
    if (!this.started) throw new Error('send() was called before start()');
    if (frame.type === 'delta' && joinableKind(frame) !== undefined) {
      for (const piece of logprobPieces(frame)) this.join(piece);
      return;
    }
    this.flushPending();
    this.publish(Object.assign({}, frame, { seq: this.seq }) as ReplyFrame);
  }

  setPhase(phase: HeartbeatPhase): void {
    this.phase = phase;
    if (this.started && !this.ended) this.beat();
  }

  /** The phase of the heartbeats to come, if any: nothing goes out now. */
  notePhase(phase: HeartbeatPhase): void {
    this.phase = phase;
  }

  private join(frame: JoinableDelta): void {
    const kind = joinableKind(frame);
    const pending = this.pending;
    if (pending !== undefined && joinableKind(pending) === kind && fitsWith(pending, frame)) {
      if (kind === 'reasoning') {
        pending.reasoning = `${pending.reasoning ?? ''}${frame.reasoning ?? ''}`;
        return;
      }
      pending.text = `${pending.text ?? ''}${frame.text ?? ''}`;
      // One by one: a whole answer's entries spread as arguments could exceed the stack.
      for (const entry of frame.logprobs ?? []) pending.logprobs?.push(entry);
      return;
    }
    this.flushPending();
    // A copy of the entries: the joined frame grows its own array, never the handler's.
    this.pending =
      frame.logprobs === undefined
        ? { ...frame }
        : Object.assign({}, frame, { logprobs: [...frame.logprobs] });
    atEndOfTurn(this.flushNow);
  }

  /** What this stream holds for the end of the turn: the joined delta, then a held `end`. */
  private readonly flushNow = (): void => {
    this.flushPending();
    const end = this.heldEnd;
    this.heldEnd = undefined;
    if (end !== undefined) this.close(end);
  };

  private flushPending(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    if (!this.closed) this.publish(Object.assign({}, pending, { seq: this.seq }) as ReplyFrame);
  }

  end(end: StreamEnd): void {
    if (this.ended) return;
    if (!this.started) {
      this.fail(new SwitchyardError('internal', 'the handler finished without a start frame'));
      return;
    }
    this.ended = true;
    clearTimeout(this.heartbeat);
    this.heldEnd = { type: 'end', seq: this.seq, ...end };
    atEndOfTurn(this.flushNow);
  }

  fail(error: SwitchyardError): void {
    if (this.ended) return;
    this.closeWithError(error);
  }

  /** Ends the handler's side and sends an `error` frame at once, after what was said before. */
  private closeWithError(error: SwitchyardError): void {
    this.ended = true;
    clearTimeout(this.heartbeat);
    this.close({ type: 'error', seq: this.seq, error: error.toWire() });
  }

  private beat(): void {
    if (this.ended) return;
    this.flushPending();
    this.publish(
      this.phase === undefined
        ? { type: 'heartbeat', seq: this.seq }
        : { type: 'heartbeat', seq: this.seq, phase: this.phase },
    );
  }

  /**
   * Sends the frames from `from` again, as they were sent, for a caller whose own connection to
   * NATS dropped while they went out (core NATS delivers nothing to a subscription that is not
   * there). With none missing it sends a heartbeat, so the caller hears that the stream lives.
   * Frames older than the last {@link MAX_RETAINED_BYTES} are gone: the caller, hearing nothing
   * it lacks, gives up on the stream.
   */
  resend(from: number): void {
    if (this.closed) return;
    if (from >= this.seq) {
      this.beat();
      return;
    }
    const firstRetained = this.seq - this.retained.size;
    if (from < firstRetained) {
      this.logger.debug(
        { inbox: this.inbox, from, first_retained: firstRetained },
        'asked to resend frames no longer retained',
      );
      return;
    }
    try {
      for (const data of this.retained.from(from - firstRetained)) {
        this.publisher.publish(this.inbox, data);
      }
    } catch (error) {
      // The connection is gone again: the caller asks again once it is back.
      this.logger.debug({ err: error, inbox: this.inbox }, 'frames not resent');
    }
  }

  /** Keeps a sent frame for {@link resend}: the newest {@link MAX_RETAINED_BYTES} of them. */
  private retain(data: Uint8Array): void {
    this.retained.push(data);
    this.retainedBytes += data.length;
    while (this.retainedBytes > MAX_RETAINED_BYTES) {
      this.retainedBytes -= (this.retained.take() as Uint8Array).length;
    }
  }

  /** Sends the terminal frame, after everything said before it; it takes the next number. */
  private close(frame: ReplyFrame): void {
    this.flushPending();
    this.releaseStart();
    if (this.closed) return;
    frame.seq = this.seq;
    this.closed = true;
    this.probe?.release();
    // Nothing is resent once the stream is closed: its server no longer routes resends to it.
    this.retained.clear();
    try {
      this.publisher.publish(this.inbox, encodeMessage(frame));
      traceFramePublish(this.inbox, frame);
    } catch (error) {
      this.logger.warn({ err: error, inbox: this.inbox }, 'terminal frame not sent');
    }
  }

  /**
   * Sends the held start frame. It waits for the next frame because a quick answer then costs
   * one socket write and one wake-up of the caller instead of two; the heartbeat timer bounds
   * the wait (a request that must queue heartbeats, and so starts, at once).
   */
  private releaseStart(): void {
    const start = this.heldStart;
    if (start === undefined) return;
    this.heldStart = undefined;
    this.publish(start);
  }

  /** Sends a frame (after the held start), numbered next whatever number it was built with. */
  private publish(frame: ReplyFrame): void {
    this.releaseStart();
    if (this.closed) return;
    frame.seq = this.seq;
    const data = encodeMessage(frame);
    if (frame.type === 'delta' && data.length > this.publisher.maxPayload) {
      this.publishPieces(frame, data.length);
      return;
    }
    try {
      this.publisher.publish(this.inbox, data, this.probe?.replyFor(Date.now()));
      traceFramePublish(this.inbox, frame);
    } catch (error) {
      // Too big a frame that is not a delta, or no connection.
      this.breakOff(SwitchyardError.from(error, 'internal'));
      return;
    }
    this.retain(data);
    this.seq++;
    // Every frame restarts the quiet interval; this also re-arms the timer after it fired.
    this.heartbeat?.refresh();
  }

  /**
   * A frame could not be sent: ends the stream with an error frame if anything can still be sent
   * (never with a held `end`, which would hide the lost frame), and stops the handler.
   */
  private breakOff(error: SwitchyardError): void {
    this.heldEnd = undefined;
    this.closeWithError(error);
    this.onBroken(error);
  }

  /**
   * Sends a delta over the server's max_payload as pieces that fit (see `deltaPieces`), each
   * numbered in turn; one that cannot be cut ends the stream with `payload_too_large`.
   */
  private publishPieces(frame: DeltaFrame, bytes: number): void {
    const maxPayload = this.publisher.maxPayload;
    // Room for the pieces' own numbers, which may have more digits than the frame's.
    const fits = (piece: DeltaFrame) => encodeMessage(piece).length + SEQ_DIGITS <= maxPayload;
    const pieces = deltaPieces(frame, fits);
    if (pieces === undefined) {
      const tooLarge = new SwitchyardError(
        'payload_too_large',
        `a frame of this answer (${bytes} bytes) is over the NATS server's max_payload ` +
          `(${maxPayload} bytes) and cannot be cut into smaller ones; raise max_payload in the ` +
          'NATS server configuration',
        { details: { bytes, max_payload: maxPayload } },
      );
      this.breakOff(tooLarge);
      return;
    }
    for (const piece of pieces) this.publish(piece);
  }
}

type DeltaFrame = Extract<ReplyFrame, { type: 'delta' }>;

/**
 * The most bytes of sent frames a stream keeps for a caller that lost them: some seconds of a fast
 * stream's tokens (a caller waits for its connection `nats.outage_wait_ms`, 5 s by default), and
 * a bound on what a stream costs its worker.
 */
export const MAX_RETAINED_BYTES = 256 * 1024;

/** The most digits a frame's number can have more than a piece cut from it was measured with. */
const SEQ_DIGITS = 16;

/** Whether joining keeps the frame within {@link MAX_LOGPROBS_PER_FRAME} entries. */
function fitsWith(pending: JoinableDelta, frame: JoinableDelta): boolean {
  return (pending.logprobs?.length ?? 0) + (frame.logprobs?.length ?? 0) <= MAX_LOGPROBS_PER_FRAME;
}

/** The fields a joinable delta may have. */
const JOINABLE_FIELDS: ReadonlySet<string> = new Set([
  'type',
  'text',
  'reasoning',
  'logprobs',
  'ttft_ms',
]);

/**
 * `text`, `logprobs` (text with its tokens' logprobs) or `reasoning` for a delta that carries only
 * that (and perhaps `ttft_ms`).
 */
function joinableKind(
  frame: Extract<StreamUpdate, { type: 'delta' }>,
): 'text' | 'logprobs' | 'reasoning' | undefined {
  // Asked of every token's delta, two or three times: a loop over the keys rather than a rest
  // object and its key list.
  for (const key in frame) {
    if (Object.hasOwn(frame, key) && !JOINABLE_FIELDS.has(key)) return undefined;
  }
  const { text, reasoning, logprobs } = frame;
  if (logprobs !== undefined) {
    return text !== undefined && reasoning === undefined ? 'logprobs' : undefined;
  }
  if (text !== undefined && reasoning === undefined) return 'text';
  if (reasoning !== undefined && text === undefined) return 'reasoning';
  return undefined;
}
