import {
  healthEventSchema,
  type HealthEvent,
  type HealthState,
  type RegistryEntry,
  type Subjects,
} from '@switchyard/contracts';
import type { NatsConnection } from '@switchyard/nats';

/** Publishes health events on `<prefix>.v1.health.<backend>`, validated against the contract. */
export class HealthPublisher {
  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    private readonly source: string,
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
    this.nc.publish(this.subjects.health(checked.backend.id), JSON.stringify(checked));
  }
}
