import {
  createInbox,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import { AbandonedRoutes, DEFAULT_ABANDON_LIMITS, type AbandonLimits } from './abandoned-routes.js';

/** A reply stream, as its inbox tells it what comes. */
export interface ReplyListener {
  /** A message for the stream, or the failure of the shared subscription. */
  onReply(error: Error | null, msg: Msg | undefined): void;
  /**
   * The connection is back after it was lost, and the subscription with it: messages sent to the
   * stream meanwhile are gone.
   */
  onReconnect(): void;
}

/** One stream's place in the inbox: where its replies go, and how to leave. */
export interface ReplyRoute {
  readonly subject: string;
  /** Leaves for good: anything still sent to the subject is dropped. */
  close(): void;
  /**
   * Leaves after the stream failed and sent a cancel, but keeps watching the subject for up to
   * `forMs` (the request's deadline): a frame that still comes means the worker missed the
   * cancel, and `resendCancel` is called (throttled); see {@link AbandonedRoutes}.
   */
  abandon(forMs: number, resendCancel: () => void): void;
}

/**
 * One wildcard subscription (`_INBOX.<unique>.*`) for the reply streams of a client, each stream
 * a subject under it, as nats.js does for its own requests: a subscription per request would cost
 * a SUB and an UNSUB at the server, and their writes, on every request. Made on first use;
 * nats.js restores it after a reconnect.
 */
export class ReplyInbox {
  private readonly prefix = createInbox();
  private readonly routes = new Map<string, ReplyListener>();
  /** Only messages no stream listens for are looked up here: the normal path never is. */
  private readonly abandoned: AbandonedRoutes;
  private subscription: Subscription | undefined;
  private next = 0;

  constructor(
    private readonly nc: NatsConnection,
    limits: Partial<AbandonLimits> = {},
  ) {
    this.abandoned = new AbandonedRoutes(Object.assign({}, DEFAULT_ABANDON_LIMITS, limits));
  }

  /** How many failed streams' subjects are watched for frames that mean a lost cancel. */
  get abandonedRoutes(): number {
    return this.abandoned.size;
  }

  open(listener: ReplyListener): ReplyRoute {
    this.subscription ??= this.nc.subscribe(`${this.prefix}.*`, {
      callback: (error, msg) => {
        if (error) {
          this.failAll(error);
          return;
        }
        const route = this.routes.get(msg.subject);
        if (route !== undefined) route.onReply(null, msg);
        else this.abandoned.deliver(msg);
      },
    });
    const subject = `${this.prefix}.${(this.next++).toString(36)}`;
    this.routes.set(subject, listener);
    return {
      subject,
      close: () => this.routes.delete(subject),
      abandon: (forMs, resendCancel) => {
        // A route the subscription's failure already closed has nothing left to watch with.
        if (this.routes.delete(subject)) this.abandoned.add(subject, forMs, resendCancel);
      },
    };
  }

  /**
   * Fails every stream still open (the connection is gone for too long); the subscription stays,
   * and nats.js restores it when the connection is back.
   */
  failOpen(error: Error): void {
    // Each stream leaves by itself: one that sent a cancel keeps watching its subject, as the
    // cancel, sent while the connection is lost, is lost with it.
    for (const listener of [...this.routes.values()]) listener.onReply(error, undefined);
  }

  /** Tells every stream still open that the connection is back (see `ReplyListener`). */
  reconnected(): void {
    for (const listener of [...this.routes.values()]) listener.onReconnect();
  }

  /** The subscription failed (a permissions violation): every stream fails; the next opens anew. */
  private failAll(error: Error): void {
    const listeners = [...this.routes.values()];
    this.routes.clear();
    this.subscription = undefined;
    for (const listener of listeners) listener.onReply(error, undefined);
  }
}
