import { Inject, Injectable } from '@nestjs/common';
import { Kvm } from '@nats-io/kv';
import {
  isServingState,
  modelNames,
  parseRegistryEntry,
  Subjects,
  SwitchyardError,
  type RegistryEntry,
} from '@switchyard/contracts';
import {
  bucketValues,
  ConnectionWatch,
  NATS_CONNECTION,
  type NatsConnection,
} from '@switchyard/nats';
import { SERVICE_LOGGER, type Logger } from '@switchyard/service';

/** The most keys read from the bucket: a fleet has a handful of backends, never thousands. */
const MAX_ENTRIES = 1_000;

/**
 * The fleet registry discovery keeps in the JetStream KV bucket, read on demand: the gateway
 * needs it only for model management (which backend holds a model) and to tell a model whose
 * backend is down from one nobody serves, rare enough that a fresh read beats a watch kept open
 * for it. Entries that do not validate are skipped.
 */
@Injectable()
export class FleetRegistry {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    private readonly connection: ConnectionWatch,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  /** The backends that are up (healthy or degraded), or `backend_unavailable` with no registry. */
  async reachable(): Promise<RegistryEntry[]> {
    return (await this.all()).filter((entry) => isServingState(entry.state));
  }

  /**
   * Every backend the registry lists, whatever its state. While NATS is gone, `nats_unavailable`
   * (after waiting for it as a request does), not a registry that seems to be missing.
   */
  async all(): Promise<RegistryEntry[]> {
    await this.connection.connected();
    const bucket = this.subjects.registryBucket;
    try {
      return await this.read();
    } catch (error) {
      this.logger.warn({ err: error, bucket }, 'cannot read the fleet registry');
      throw new SwitchyardError(
        'backend_unavailable',
        `the fleet registry (KV bucket ${bucket}) cannot be read: is discovery running, with JetStream on?`,
        { cause: error },
      );
    }
  }

  /**
   * Every backend the registry lists, or none when it cannot be read, without a warning: for
   * what only does better with a registry (a request for a model no worker serves, a metrics
   * scrape), where a fleet without discovery is no fault, and any client could fill the log.
   */
  async known(): Promise<RegistryEntry[]> {
    return this.read().catch((error: unknown) => {
      this.logger.debug({ err: error }, 'no fleet registry to read');
      return [];
    });
  }

  /** Every name of every model the registry lists on a backend, up or down (see `known`). */
  async listedModelNames(): Promise<Set<string>> {
    const entries = await this.known();
    return new Set(entries.flatMap((entry) => entry.models.flatMap(modelNames)));
  }

  private async read(): Promise<RegistryEntry[]> {
    const bucket = this.subjects.registryBucket;
    const kv = await new Kvm(this.nc).open(bucket);
    return bucketValues(this.nc, kv, bucket, parseRegistryEntry, MAX_ENTRIES);
  }
}
