import {
  createInbox,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';

/** What a reply stream is told: a message for it, or the failure of the shared subscription. */
export type ReplyCallback = (error: Error | null, msg: Msg | undefined) => void;

/** One stream's place in the inbox: where its replies go, and how to leave. */
export interface ReplyRoute {
  readonly subject: string;
  close(): void;
}

/**
 * One wildcard subscription (`_INBOX.<unique>.*`) for the reply streams of a client, each stream
 * a subject under it, as nats.js does for its own requests: a subscription per request would cost
 * a SUB and an UNSUB at the server, and their writes, on every request. Made on first use;
 * nats.js restores it after a reconnect.
 */
export class ReplyInbox {
  private readonly prefix = createInbox();
  private readonly routes = new Map<string, ReplyCallback>();
  private subscription: Subscription | undefined;
  private next = 0;

  constructor(private readonly nc: NatsConnection) {}

  open(callback: ReplyCallback): ReplyRoute {
    this.subscription ??= this.nc.subscribe(`${this.prefix}.*`, {
      callback: (error, msg) => {
        if (error) this.failAll(error);
        else this.routes.get(msg.subject)?.(null, msg);
      },
    });
    const subject = `${this.prefix}.${(this.next++).toString(36)}`;
    this.routes.set(subject, callback);
    return { subject, close: () => this.routes.delete(subject) };
  }

  /** The subscription failed (a permissions violation): every stream fails; the next opens anew. */
  private failAll(error: Error): void {
    const callbacks = [...this.routes.values()];
    this.routes.clear();
    this.subscription = undefined;
    for (const callback of callbacks) callback(error, undefined);
  }
}
