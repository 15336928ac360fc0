import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { decodeMessage, resendMessageSchema, type Subjects } from '@switchyard/contracts';
import type { NatsLogger } from '../logger.js';

/** What a resend message reaches: a reply stream that can send its frames from `from` again. */
export interface ResendTarget {
  resend(from: number): void;
}

/**
 * Delivers resend messages to the reply streams they name. One subscription on the resend
 * wildcard serves every stream of the server, routed by reply subject (unique to a stream, where
 * a retried request's id is not) through a map, as cancels are.
 */
export class ResendRouter {
  private readonly streams = new Map<string, ResendTarget>();
  private readonly subscription: Subscription;

  constructor(nc: NatsConnection, subjects: Subjects, logger: NatsLogger) {
    this.subscription = nc.subscribe(subjects.resendWildcard, {
      callback: (error, msg) => {
        if (error) {
          logger.error({ err: error }, 'resend subscription failed');
          return;
        }
        try {
          const { reply_to: replyTo, from } = decodeMessage(
            resendMessageSchema,
            msg.data,
            'resend message',
          );
          this.streams.get(replyTo)?.resend(from);
        } catch (invalid) {
          logger.debug({ err: invalid, subject: msg.subject }, 'resend message ignored');
        }
      },
    });
  }

  /** Routes resends for the stream replying to `replyTo` until the returned function is called. */
  register(replyTo: string, stream: ResendTarget): () => void {
    this.streams.set(replyTo, stream);
    return () => {
      if (this.streams.get(replyTo) === stream) this.streams.delete(replyTo);
    };
  }

  close(): void {
    if (!this.subscription.isClosed()) this.subscription.unsubscribe();
  }
}
