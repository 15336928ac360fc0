import { createInbox, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { NatsLogger } from '../logger.js';

/** One stream's probe: the reply subject to put on a frame when one is due. */
export interface CallerProbe {
  /** The reply subject for a frame sent at `now`, when a probe is due; else undefined. */
  replyFor(now: number): string | undefined;
  /** Stops watching: the stream has ended. */
  release(): void;
}

/**
 * Tells a worker when the caller of a request has gone: its process died or was killed, so no
 * cancel will ever come, and without this the backend would generate for nobody until the
 * request's `timeout_ms` (minutes) while holding one of its few slots.
 *
 * Core NATS says nothing to a publisher when nobody subscribes, except to a message with a reply
 * subject: the server then answers "no responders" (a 503 status) to that reply subject. So a
 * frame of each stream goes out with a reply subject of this worker's now and then (at most once
 * per `probeEveryMs`; every heartbeat of a quiet stream is one). A caller that listens ignores it,
 * and nothing comes back. A 503 means nobody listened when it arrived — but a caller whose
 * connection is coming back (a server restart, a cluster node lost) is briefly not there either,
 * and asks for what it missed once it is. So a caller counts as gone only when every probe has
 * been refused for `outageWaitMs`, the longest a caller waits for its own connection.
 */
export class CallerProbes {
  private readonly prefix = createInbox();
  private readonly streams = new Map<string, StreamProbe>();
  private readonly subscription: Subscription;
  private next = 0;

  constructor(
    nc: NatsConnection,
    private readonly probeEveryMs: number,
    private readonly outageWaitMs: number,
    logger: NatsLogger,
  ) {
    this.subscription = nc.subscribe(`${this.prefix}.*`, {
      callback: (error, msg) => {
        if (error) {
          logger.error({ err: error }, 'caller probe subscription failed');
          return;
        }
        // Only the server's 503 means something; anything else (a caller that answered) is life.
        if (msg.data.length > 0 || msg.headers?.code !== 503) return;
        this.streams.get(msg.subject)?.refused(Date.now());
      },
    });
  }

  /** Watches a stream's caller; `onGone` is called at most once, outside any publish. */
  watch(onGone: (silentForMs: number) => void): CallerProbe {
    const subject = `${this.prefix}.${(this.next++).toString(36)}`;
    const probe = new StreamProbe(subject, this.probeEveryMs, this.outageWaitMs, onGone, () =>
      this.streams.delete(subject),
    );
    this.streams.set(subject, probe);
    return probe;
  }

  close(): void {
    if (!this.subscription.isClosed()) this.subscription.unsubscribe();
    this.streams.clear();
  }
}

class StreamProbe implements CallerProbe {
  /** When the last probe went out. */
  private sentAt: number | undefined;
  /** Whether the last probe was refused. */
  private lastRefused = false;
  /** When the run of refused probes began. */
  private refusedSince: number | undefined;
  private gone = false;

  constructor(
    private readonly subject: string,
    private readonly probeEveryMs: number,
    private readonly outageWaitMs: number,
    private readonly onGone: (silentForMs: number) => void,
    readonly release: () => void,
  ) {}

  replyFor(now: number): string | undefined {
    if (this.gone) return undefined;
    if (this.sentAt !== undefined && now - this.sentAt < this.probeEveryMs) return undefined;
    // A probe sent a while ago that nothing refused found the caller there.
    if (this.sentAt !== undefined && !this.lastRefused) this.refusedSince = undefined;
    this.sentAt = now;
    this.lastRefused = false;
    return this.subject;
  }

  refused(now: number): void {
    if (this.gone) return;
    this.lastRefused = true;
    this.refusedSince ??= this.sentAt ?? now;
    const silentForMs = now - this.refusedSince;
    if (silentForMs < this.outageWaitMs) return;
    this.gone = true;
    this.release();
    this.onGone(silentForMs);
  }
}
