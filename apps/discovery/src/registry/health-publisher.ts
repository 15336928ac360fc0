import {
  encodeMessage,
  healthEventSchema,
  type HealthEvent,
  type HealthState,
  type RegistryEntry,
  type Subjects,
} from '@switchyard/contracts';
import { maxPayloadOf, type NatsConnection } from '@switchyard/nats';
import type { Logger } from '@switchyard/service';

/**
 * Publishes health events on `<prefix>.v1.health.<backend>`, validated against the contract.
 *
 * An event over the server's max_payload (a backend listing very many models) is skipped with a
 * warning, never cut (a partial model list would read as models gone) and never thrown (nats.js
 * throws for it) into the registry's write queue. Only the event is lost: the registry bucket
 * is written before it, on its own (a write that fails is logged and retried there).
 */
export class HealthPublisher {
  /** Backends whose latest event was skipped as too large, so a run of them warns once. */
  private readonly oversize = new Set<string>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    private readonly source: string,
    private readonly logger: Logger,
  ) {}

  change(entry: RegistryEntry, previousState: HealthState | undefined, reason: string): void {
    this.publish({
      type: 'change',
      backend: entry,
      ...(previousState === undefined ? {} : { previous_state: previousState }),
      reason,
      source: this.source,
      at: new Date().toISOString(),
    });
  }

  heartbeat(entry: RegistryEntry): void {
    this.publish({
      type: 'heartbeat',
      backend: entry,
      source: this.source,
      at: new Date().toISOString(),
    });
  }

  private publish(event: HealthEvent): void {
    const checked = healthEventSchema.parse(event);
    const id = checked.backend.id;
    const data = encodeMessage(checked);
    // Read for every event: a reconnect may land on a server with another limit.
    const maxPayload = maxPayloadOf(this.nc);
    if (data.length > maxPayload) {
      this.skip(checked, data.length, maxPayload);
      return;
    }
    this.oversize.delete(id);
    this.nc.publish(this.subjects.health(id), data);
  }

  /**
   * Every skipped change is a warning (watchers miss an announcement); of a run of skipped
   * heartbeats, only the first, as each heartbeat is as big as the one before.
   */
  private skip(event: HealthEvent, bytes: number, maxPayload: number): void {
    const backend = event.backend.id;
    const first = !this.oversize.has(backend);
    this.oversize.add(backend);
    const fields = {
      backend,
      event: event.type,
      bytes,
      max_payload: maxPayload,
      models: event.backend.models.length,
    };
    const message =
      "a health event is over the NATS server's max_payload and was not published; raise " +
      "max_payload in the NATS server configuration, or reduce the backend's model list";
    if (first || event.type === 'change') this.logger.warn(fields, message);
    else this.logger.debug(fields, message);
  }
}
