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
 * frame with nothing after it. The start frame goes out with the frame after it (see
 * `releaseStart`).
 *
 * Text (or reasoning) deltas a handler sends within one turn of the event loop — the tokens of one
 * backend read — go out as one frame, joined in order: a message per token would cost a NATS
 * message, a socket write and a parse at every hop for nothing, since they arrived together.
 * Anything else, and the end of the turn, sends the joined delta first, so order never changes.
 * The joined deltas of every stream go out together at the end of the turn, so that a worker
 * serving many streams writes them to its NATS socket once per turn, not once per stream.
 */
export class ReplyStream {
  private seq = 0;
  private pending: JoinableDelta | undefined;
  private started = false;
  /** The start frame until the first frame after it, which it goes out with. */
  private heldStart: StartFrame | undefined;
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
    this.heldStart = { type: 'start', seq: this.seq, ...frame };
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
    this.flushPending();
    this.pending = { ...frame };
    atEndOfTurn(this.flushNow);
  }

  private readonly flushNow = (): void => this.flushPending();

  private flushPending(): void {
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
    this.releaseStart();
    if (this.ended) return;
    frame.seq = this.seq;
    this.ended = true;
    clearTimeout(this.heartbeat);
    try {
      this.nc.publish(this.inbox, encodeMessage(frame));
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
    if (this.ended) return;
    frame.seq = this.seq;
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

/** What runs at the end of this turn of the event loop, in the order it was asked for. */
const endOfTurn = new Set<() => void>();

/**
 * How many streams' frames share one socket write at the end of a turn. One write for all of
 * them would hold the first stream's frames until the last one's are encoded, and under load
 * (hundreds of streams) that delay shows in every stream's first token; a write per stream costs
 * a syscall and a read at the server each. 16 keeps both small.
 */
const FLUSHES_PER_WRITE = 16;

/**
 * Runs `flush` once, after the I/O of this turn: one timer for every stream, so their frames are
 * published in runs of {@link FLUSHES_PER_WRITE} and the NATS client writes each run to its
 * socket at once (it flushes on the next microtask; a timer callback per stream would let it run
 * between every two).
 */
function atEndOfTurn(flush: () => void): void {
  if (endOfTurn.size === 0) setImmediate(runEndOfTurn);
  endOfTurn.add(flush);
}

function runEndOfTurn(): void {
  const flushes = [...endOfTurn];
  endOfTurn.clear();
  runFrom(flushes, 0);
}

function runFrom(flushes: readonly (() => void)[], from: number): void {
  const to = Math.min(from + FLUSHES_PER_WRITE, flushes.length);
  for (let i = from; i < to; i++) flushes[i]?.();
  // Queued after the NATS client's flush of this run, so the next run is a write of its own.
  if (to < flushes.length) queueMicrotask(() => runFrom(flushes, to));
}
