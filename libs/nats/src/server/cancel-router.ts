import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { cancelMessageSchema, decodeMessage, type Subjects } from '@switchyard/contracts';
import { callerCancelled } from '../caller-cancelled.js';
import type { NatsLogger } from '../logger.js';

/**
 * Delivers cancel messages to the requests they name. One subscription on the cancel wildcard
 * serves every request of the server, routed by request id through a map, so cancellation costs
 * no subscription churn per request.
 */
export class CancelRouter {
  private readonly requests = new Map<string, Set<AbortController>>();
  private readonly subscription: Subscription;

  constructor(
    nc: NatsConnection,
    subjects: Subjects,
    private readonly logger: NatsLogger,
  ) {
    this.subscription = nc.subscribe(subjects.cancelWildcard, {
      callback: (error, msg) => {
        if (error) {
          logger.error({ err: error }, 'cancel subscription failed');
          return;
        }
        // The subject names the request; the body adds an optional reason.
        this.cancel(msg.subject.slice(msg.subject.lastIndexOf('.') + 1), msg.data);
      },
    });
  }

  /** Routes cancels for `requestId` to `controller` until the returned function is called. */
  register(requestId: string, controller: AbortController): () => void {
    let controllers = this.requests.get(requestId);
    if (!controllers) {
      controllers = new Set();
      this.requests.set(requestId, controllers);
    }
    controllers.add(controller);
    return () => {
      controllers.delete(controller);
      if (controllers.size === 0 && this.requests.get(requestId) === controllers) {
        this.requests.delete(requestId);
      }
    };
  }

  close(): void {
    if (!this.subscription.isClosed()) this.subscription.unsubscribe();
  }

  private cancel(requestId: string, data: Uint8Array): void {
    const controllers = this.requests.get(requestId);
    if (!controllers) return;
    let reason: string | undefined;
    try {
      reason = decodeMessage(cancelMessageSchema, data, 'cancel message').reason;
    } catch (error) {
      this.logger.debug(
        { err: error, request_id: requestId },
        'cancel message without a valid body',
      );
    }
    for (const controller of controllers) {
      controller.abort(callerCancelled(reason));
    }
  }
}
