import type { Msg } from '@nats-io/transport-node';

/**
 * The least time between two cancels of one abandoned request. The first stray frame after it
 * sends the cancel again; frames that were already on their way when the cancel went out (the
 * usual case: a few deltas, then the worker's `cancelled`) arrive well within it and cost nothing.
 * A worker that missed the cancel is told again within this long of its next frame.
 */
export const CANCEL_RESEND_INTERVAL_MS = 1_000;

/**
 * The most abandoned routes an inbox keeps; a new one pushes out the oldest. Each is a map entry
 * and a timer (a few hundred bytes), so this bounds the memory of a burst of failed streams, such
 * as every stream of a gateway failing at once in a NATS outage.
 */
export const MAX_ABANDONED_ROUTES = 10_000;

/**
 * The longest an abandoned route is kept, however far off the request's deadline is (a pull can
 * have hours). It only has to outlast a NATS outage and the worker's reconnect; after that the
 * worker's own `timeout_ms` is what stops it.
 */
export const MAX_ABANDON_MS = 30 * 60_000;

export interface AbandonLimits {
  /** See {@link MAX_ABANDONED_ROUTES}. */
  maxRoutes: number;
  /** See {@link CANCEL_RESEND_INTERVAL_MS}. */
  resendIntervalMs: number;
  /** See {@link MAX_ABANDON_MS}. */
  maxAbandonMs: number;
}

export const DEFAULT_ABANDON_LIMITS: Readonly<AbandonLimits> = {
  maxRoutes: MAX_ABANDONED_ROUTES,
  resendIntervalMs: CANCEL_RESEND_INTERVAL_MS,
  maxAbandonMs: MAX_ABANDON_MS,
};

interface AbandonedRoute {
  readonly resendCancel: () => void;
  readonly expiry: NodeJS.Timeout;
  /** When the cancel last went out (`performance.now()`). */
  lastCancelAt: number;
}

/**
 * The reply subjects of streams that failed after their request went out and sent a cancel.
 *
 * A cancel is a plain publish: nats.js buffers it while disconnected and flushes it on reconnect,
 * and if the caller reconnects before the worker has subscribed again (a nats-server restart, a
 * lost cluster node), the cancel reaches nobody and the backend generates until the request's
 * deadline. Frames that keep coming to the abandoned subject show exactly that: a worker that
 * got the cancel stops and sends a terminal frame. So a non-terminal frame here sends the cancel
 * again (at most once per `resendIntervalMs`), and a terminal frame drops the route.
 *
 * Everything is bounded: a route lives until its terminal frame or its time (the request's
 * deadline, capped), and at most `maxRoutes` live at once. The timers are unref'd, so they never
 * keep a process alive. A stream that ends normally never comes here.
 */
export class AbandonedRoutes {
  private readonly routes = new Map<string, AbandonedRoute>();

  constructor(private readonly limits: AbandonLimits) {}

  get size(): number {
    return this.routes.size;
  }

  /** Watches `subject` for up to `forMs`; the cancel has just been sent. */
  add(subject: string, forMs: number, resendCancel: () => void): void {
    const keepMs = Math.min(forMs, this.limits.maxAbandonMs);
    // Past the deadline the worker stops by itself: nothing to watch for.
    if (!(keepMs > 0) || this.limits.maxRoutes <= 0) return;
    this.drop(subject);
    while (this.routes.size >= this.limits.maxRoutes) {
      // A Map iterates in insertion order: the first key is the oldest route.
      const oldest = this.routes.keys().next().value;
      if (oldest === undefined) break;
      this.drop(oldest);
    }
    const expiry = setTimeout(() => this.routes.delete(subject), keepMs).unref();
    this.routes.set(subject, { resendCancel, expiry, lastCancelAt: performance.now() });
  }

  /** A message to a subject no stream listens on: acts on it if the subject is abandoned. */
  deliver(msg: Msg): void {
    const route = this.routes.get(msg.subject);
    if (route === undefined) return;
    if (!isOngoingFrame(msg.data)) {
      this.drop(msg.subject);
      return;
    }
    const now = performance.now();
    if (now - route.lastCancelAt < this.limits.resendIntervalMs) return;
    route.lastCancelAt = now;
    route.resendCancel();
  }

  private drop(subject: string): void {
    const route = this.routes.get(subject);
    if (route === undefined) return;
    clearTimeout(route.expiry);
    this.routes.delete(subject);
  }
}

const decoder = new TextDecoder();

/**
 * Whether a stray message is a frame of a stream still running (`start`, `delta`, `heartbeat`).
 * Only the type is read, not the whole frame checked: it decides between "cancel again" and
 * "forget". Anything else — `end`, `error`, a NATS status (no body), bytes that are no frame —
 * means nothing useful will follow, so the route is dropped.
 */
function isOngoingFrame(data: Uint8Array): boolean {
  if (data.length === 0) return false;
  try {
    const { type } = JSON.parse(decoder.decode(data)) as { type?: unknown };
    return type === 'delta' || type === 'heartbeat' || type === 'start';
  } catch {
    return false;
  }
}
