import type { NatsConnection } from '@nats-io/transport-node';
import {
  encodeMessage,
  SwitchyardError,
  type ReplyFrame,
  type StartFrame,
} from '@switchyard/contracts';
import type { NatsLogger } from '../logger.js';
import type { HeartbeatPhase, StreamEnd, StreamUpdate } from './stream-handler.js';

/** A delta that carries only text, or only reasoning: such deltas can be joined. */
type JoinableDelta = Extract<StreamUpdate, { type: 'delta' }> & { type: 'delta' };

/**
 * The frames of one reply, as the server sends them: numbered from 0 without gaps, `start`
 * first, heartbeats whenever nothing else went out for an interval, and exactly one terminal
 * frame with nothing after it.
 *
 * Text (or reasoning) deltas a handler sends within one turn of the event loop — the tokens of one
 * backend read — go out as one frame, joined in order: a message per token would cost a NATS
 * message, a socket write and a parse at every hop for nothing, since they arrived together.
 * Anything else, and the end of the turn, sends the joined delta first, so order never changes.
 *
 * The `start` frame waits for the end of its turn too, or for the next frame if one comes
 * sooner. The client learns nothing later than it would have (a turn is not a wait), and an
 * answer the backend gave in one read (start, its text and its end) leaves in one socket write
 * instead of two: NATS clients flush on the next microtask, so frames published in different
 * steps of an async chain are written separately unless they are published together.
 */
export class ReplyStream {
  private seq = 0;
  private pendingStart: StartFrame | undefined;
  private pending: JoinableDelta | undefined;
  private flushScheduled = false;
  private started = false;
  private ended = false;
  private phase: HeartbeatPhase | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly inbox: string,
    private readonly heartbeatIntervalMs: number,
    private readonly logger: NatsLogger,
    /** Told when a frame cannot be sent, so the handler stops working for nobody. */
    private readonly onBroken: (error: SwitchyardError) => void = () => undefined,
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  start(frame: Omit<StartFrame, 'type' | 'seq'>): void {
    if (this.ended) return;
    if (this.started) throw new Error('start() was already called for this request');
    this.started = true;
    this.pendingStart = { type: 'start', seq: this.seq, ...frame };
    this.scheduleFlush();
    this.heartbeat = setTimeout(() => this.beat(), this.heartbeatIntervalMs);
  }

  send(frame: StreamUpdate): void {
    if (this.ended) return;
    if (!this.started) throw new Error('send() was called before start()');
    if (frame.type === 'delta' && joinableKind(frame) !== undefined) {
      this.join(frame);
      return;
    }
    this.flushPending();
    this.publish({ ...frame, seq: this.seq } as ReplyFrame);
  }

  setPhase(phase: HeartbeatPhase): void {
    this.phase = phase;
    if (this.started && !this.ended) this.beat();
  }

  private join(frame: JoinableDelta): void {
    const kind = joinableKind(frame);
    if (this.pending !== undefined && joinableKind(this.pending) === kind) {
      if (kind === 'text') this.pending.text = `${this.pending.text ?? ''}${frame.text ?? ''}`;
      else this.pending.reasoning = `${this.pending.reasoning ?? ''}${frame.reasoning ?? ''}`;
      return;
    }
    // A delta of the other kind goes out first; the start frame may go on waiting.
    if (this.pending !== undefined) this.flushPending();
    this.pending = { ...frame };
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushPending();
    });
  }

  /** Sends what waits for the end of the turn: the start frame, then the joined delta. */
  private flushPending(): void {
    const start = this.pendingStart;
    if (start !== undefined) {
      this.pendingStart = undefined;
      if (!this.ended) this.publish(start);
    }
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    if (!this.ended) this.publish({ ...pending, seq: this.seq } as ReplyFrame);
  }

  end(end: StreamEnd): void {
    if (this.ended) return;
    if (!this.started) {
      this.fail(new SwitchyardError('internal', 'the handler finished without a start frame'));
      return;
    }
    this.terminate({ type: 'end', seq: this.seq, ...end });
  }

  fail(error: SwitchyardError): void {
    if (this.ended) return;
    this.terminate({ type: 'error', seq: this.seq, error: error.toWire() });
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

  private terminate(frame: ReplyFrame): void {
    // What was said before the end goes out before it; the terminal frame takes the next number.
    this.flushPending();
    frame.seq = this.seq;
    this.ended = true;
    clearTimeout(this.heartbeat);
    try {
      this.nc.publish(this.inbox, encodeMessage(frame));
    } catch (error) {
      this.logger.warn({ err: error, inbox: this.inbox }, 'terminal frame not sent');
    }
  }

  private publish(frame: ReplyFrame): void {
    try {
      this.nc.publish(this.inbox, encodeMessage(frame));
    } catch (error) {
      // Too big a frame, or no connection: end the stream with an error frame if anything
      // can still be sent, and stop the handler.
      const broken = SwitchyardError.from(error, 'internal');
      this.fail(broken);
      this.onBroken(broken);
      return;
    }
    this.seq++;
    // Every frame restarts the quiet interval; this also re-arms the timer after it fired.
    this.heartbeat?.refresh();
  }
}

/** `text` or `reasoning` for a delta that carries only that (and perhaps `ttft_ms`). */
function joinableKind(
  frame: Extract<StreamUpdate, { type: 'delta' }>,
): 'text' | 'reasoning' | undefined {
  const { type: _type, text, reasoning, ttft_ms: _ttft, ...rest } = frame;
  if (Object.keys(rest).length > 0) return undefined;
  if (text !== undefined && reasoning === undefined) return 'text';
  if (reasoning !== undefined && text === undefined) return 'reasoning';
  return undefined;
}
