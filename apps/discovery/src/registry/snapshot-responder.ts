import {
  registrySnapshotSchema,
  SwitchyardError,
  type RegistryEntry,
  type Subjects,
} from '@switchyard/contracts';
import { respondWithin, type NatsConnection } from '@switchyard/nats';
import type { Msg, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@switchyard/service';

/** The queue group of the snapshot subject, so one replica answers each request. */
export function discoveryQueue(subjects: Subjects): string {
  return `${subjects.prefix}-discovery`;
}

/**
 * Answers requests on `<prefix>.v1.discovery.snapshot` with the whole registry
 * (`{"backends":[…],"at":…}`). The request body is ignored. A registry too big for one message
 * (the server's max_payload) is answered with `{"error"}` (`payload_too_large`), never dropped
 * or cut: a partial fleet would read as backends gone.
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
        void this.answer(message);
      },
    });
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    if (subscription !== undefined && !subscription.isClosed()) await subscription.drain();
  }

  /** Never rejects: whatever fails is answered as an error or logged. */
  private async answer(message: Msg): Promise<void> {
    let backends: RegistryEntry[];
    try {
      backends = await this.source();
    } catch (failure) {
      this.logger.warn({ err: failure }, 'could not read the registry for a snapshot');
      return;
    }
    const snapshot = (): unknown =>
      registrySnapshotSchema.parse({ backends, at: new Date().toISOString() });
    respondWithin(this.nc, message, snapshot, {
      what: 'snapshot',
      tooLarge: (bytes, maxPayload) =>
        new SwitchyardError(
          'payload_too_large',
          `the registry snapshot (${bytes} bytes, ${backends.length} backends) is over ` +
            `the NATS server's max_payload (${maxPayload} bytes); read the registry bucket ` +
            `${this.subjects.registryBucket} key by key instead, or raise max_payload in the ` +
            'NATS server configuration',
          { details: { bytes, max_payload: maxPayload, backends: backends.length } },
        ),
      logger: this.logger,
      onError: (error) =>
        this.logger.warn({ err: error }, 'could not answer a snapshot request with the registry'),
    });
  }
}
