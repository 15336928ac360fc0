import { registrySnapshotSchema, type RegistryEntry, type Subjects } from '@switchyard/contracts';
import type { NatsConnection } from '@switchyard/nats';
import type { Subscription } from '@nats-io/transport-node';
import type { Logger } from '@switchyard/service';

/** The queue group of the snapshot subject, so one replica answers each request. */
export function discoveryQueue(subjects: Subjects): string {
  return `${subjects.prefix}-discovery`;
}

/**
 * Answers requests on `<prefix>.v1.discovery.snapshot` with the whole registry
 * (`{"backends":[…],"at":…}`). The request body is ignored.
 */
export class SnapshotResponder {
  private subscription: Subscription | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    private readonly source: () => Promise<RegistryEntry[]>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.subscription = this.nc.subscribe(this.subjects.discoverySnapshot, {
      queue: discoveryQueue(this.subjects),
      callback: (error, message) => {
        if (error) return this.logger.warn({ err: error }, 'snapshot subscription failed');
        void this.source().then(
          (backends) => {
            const snapshot = registrySnapshotSchema.parse({
              backends,
              at: new Date().toISOString(),
            });
            message.respond(JSON.stringify(snapshot));
          },
          (failure: unknown) =>
            this.logger.warn({ err: failure }, 'could not read the registry for a snapshot'),
        );
      },
    });
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    if (subscription !== undefined && !subscription.isClosed()) await subscription.drain();
  }
}
