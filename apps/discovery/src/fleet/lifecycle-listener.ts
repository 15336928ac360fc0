import type { Subscription } from '@nats-io/transport-node';
import { decodeMessage, lifecycleEventSchema, type Subjects } from '@switchyard/contracts';
import type { NatsConnection } from '@switchyard/nats';
import type { Logger } from '@switchyard/service';

/**
 * Reads the orchestrator's lifecycle events for one fact: a managed backend it started is ready.
 * A backend that was down a while (stopped when idle, then started again by a request) is checked
 * only once per `max_backoff_ms` by then. Workers list a backend's models when the registry
 * changes, else at their next refresh: the request that started it waits for one or the other.
 */
export class LifecycleListener {
  private subscription: Subscription | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    private readonly onReady: (backendId: string) => void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.subscription = this.nc.subscribe(this.subjects.lifecycleWildcard, {
      callback: (error, message) => {
        if (error) return this.logger.warn({ err: error }, 'lifecycle subscription failed');
        try {
          const event = decodeMessage(lifecycleEventSchema, message.data, 'lifecycle event');
          if (event.state === 'ready') this.onReady(event.backend);
        } catch (invalid) {
          // Someone else's message on the subject: it says nothing of a backend.
          this.logger.debug({ err: invalid, subject: message.subject }, 'lifecycle event ignored');
        }
      },
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
}
