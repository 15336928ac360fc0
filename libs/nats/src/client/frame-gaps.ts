/**
 * How often a stream that lost frames asks its worker for them again, until they come: a resend
 * message can be lost too (the worker's own connection may be coming back as well).
 */
export const RESEND_INTERVAL_MS = 1_000;

/** What {@link FrameGaps} holds: anything with a frame's place in its stream. */
export interface Sequenced {
  readonly frame: { readonly seq: number };
}

/** What a stream with a gap does: ask its worker for the frames again, or give up. */
export interface GapActions {
  /** Sends one resend message for the frames from the next one the stream expects. */
  askForResend(): void;
  /**
   * The frames have been asked for, for longer than the outage wait, and did not come: by then
   * the worker has stopped the request itself.
   */
  giveUp(askedForMs: number): void;
}

/**
 * The repair of one reply stream's gaps. Core NATS keeps nothing for a subscription that is not
 * there, so frames sent while a connection dropped for a moment are lost: the frames that come
 * after them wait here, by `seq`, while the worker is asked for the missing ones again every
 * {@link RESEND_INTERVAL_MS}, until they come or the connection's outage wait has passed since
 * the first ask.
 */
export class FrameGaps<T extends Sequenced> {
  /** Frames that came after a missing one, by `seq`. */
  private ahead: Map<number, T> | undefined;
  /** While frames may be missing: when the stream first asked for them again. */
  private askedSince: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly actions: GapActions,
    private readonly outageWaitMs: number,
  ) {}

  /** Whether frames came after one that is still missing. */
  get holding(): boolean {
    return this.ahead !== undefined;
  }

  /** Whether the frame at `seq` already waits here. */
  has(seq: number): boolean {
    return this.ahead?.has(seq) === true;
  }

  /** Keeps a frame that came ahead of a missing one, and asks for the missing ones. */
  hold(received: T): void {
    this.ahead ??= new Map();
    this.ahead.set(received.frame.seq, received);
    if (this.askedSince === undefined) this.ask();
  }

  /** The frame at `seq` if it came ahead, taken out of those waiting. */
  take(seq: number): T | undefined {
    const next = this.ahead?.get(seq);
    if (this.ahead === undefined || next === undefined) return undefined;
    this.ahead.delete(seq);
    if (this.ahead.size === 0) this.ahead = undefined;
    return next;
  }

  /**
   * Asks the worker for the frames from the next one expected (again, if asked before), and
   * again every {@link RESEND_INTERVAL_MS} until {@link settle} finds nothing missing.
   */
  ask(): void {
    this.askedSince ??= Date.now();
    clearTimeout(this.timer);
    const askedForMs = Date.now() - this.askedSince;
    if (askedForMs > this.outageWaitMs) {
      this.actions.giveUp(askedForMs);
      return;
    }
    this.actions.askForResend();
    this.timer = setTimeout(() => this.ask(), RESEND_INTERVAL_MS);
  }

  /**
   * Stops asking once no frame waits for a missing one: after an outage with nothing lost, any
   * frame (a heartbeat at least) answers the ask.
   */
  settle(): void {
    if (this.askedSince === undefined || this.ahead !== undefined) return;
    this.stop();
  }

  /** Drops what waits and stops asking: the stream has ended. */
  clear(): void {
    this.ahead = undefined;
    this.stop();
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.askedSince = undefined;
  }
}
