import {
  registrySnapshotSchema,
  SwitchyardError,
  type RegistryEntry,
  type Subjects,
} from '@switchyard/contracts';
import { respondWithin, type NatsConnection } from '@switchyard/nats';
import type { Msg, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@switchyard/service';
import { isNatsTimeout } from './open-bucket.js';

/**
 * Answers requests on `<prefix>.v1.discovery.snapshot` with the whole registry
 * (`{"backends":[…],"at":…}`). The request body is ignored. A registry too big for one message
 * (the server's max_payload) is answered with `{"error"}` (`payload_too_large`), never dropped
 * or cut: a partial fleet would read as backends gone. A registry that cannot be read (a
 * stand-by reads the bucket) is answered with `{"error"}` too (`timeout`, else
 * `backend_unavailable`, both retryable), so the caller need not wait out its own timeout.
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
      queue: this.subjects.discoveryQueue,
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
    let backends: RegistryEntry[] | undefined;
    let unreadable: SwitchyardError | undefined;
    try {
      backends = await this.source();
    } catch (failure) {
      this.logger.warn({ err: failure }, 'could not read the registry for a snapshot');
      unreadable = this.unreadable(failure);
    }
    const snapshot = (): unknown => {
      if (unreadable !== undefined) throw unreadable;
      return registrySnapshotSchema.parse({ backends, at: new Date().toISOString() });
    };
    const count = backends?.length ?? 0;
    respondWithin(this.nc, message, snapshot, {
      what: 'snapshot',
      tooLarge: (bytes, maxPayload) =>
        new SwitchyardError(
          'payload_too_large',
          `the registry snapshot (${bytes} bytes, ${count} backends) is over ` +
            `the NATS server's max_payload (${maxPayload} bytes); read the registry bucket ` +
            `${this.subjects.registryBucket} key by key instead, or raise max_payload in the ` +
            'NATS server configuration',
          { details: { bytes, max_payload: maxPayload, backends: count } },
        ),
      logger: this.logger,
      onError: (error) => {
        // A registry that could not be read is logged above, with its cause.
        if (error === unreadable) return;
        this.logger.warn({ err: error }, 'could not answer a snapshot request with the registry');
      },
    });
  }

  /**
   * The answer to a request while the registry cannot be read. No code names the registry store;
   * `backend_unavailable` (retryable, 503) says "what the answer comes from is not available now,
   * try again", and is what the gateway answers when it cannot read the same bucket.
   */
  private unreadable(failure: unknown): SwitchyardError {
    const bucket = this.subjects.registryBucket;
    const cause = failure instanceof Error ? failure.message : String(failure);
    const timedOut = isNatsTimeout(failure);
    const what = timedOut
      ? `reading the registry bucket ${bucket} timed out`
      : `could not read the registry bucket ${bucket}`;
    return new SwitchyardError(
      timedOut ? 'timeout' : 'backend_unavailable',
      `${what} (${cause}); try again, or read the bucket directly`,
      { details: { bucket }, cause: failure },
    );
  }
}
