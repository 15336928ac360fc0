import { Inject, Injectable } from '@nestjs/common';
import { Kvm } from '@nats-io/kv';
import {
  registryEntrySchema,
  Subjects,
  SwitchyardError,
  type RegistryEntry,
} from '@switchyard/contracts';
import { bucketKeys, NATS_CONNECTION, type NatsConnection } from '@switchyard/nats';
import { SERVICE_LOGGER, type Logger } from '@switchyard/service';

/** Registry states whose backends can be sent commands. */
const REACHABLE_STATES = new Set<RegistryEntry['state']>(['healthy', 'degraded']);

/** The most entries read from the bucket: a fleet has a handful of backends, never thousands. */
const MAX_ENTRIES = 1_000;

/**
 * The fleet registry discovery keeps in the JetStream KV bucket, read on demand: the gateway
 * needs it only for model management (which backend holds a model), rare enough that a fresh
 * read beats a watch kept open for it. Entries that do not validate are skipped.
 */
@Injectable()
export class FleetRegistry {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  /** The backends that are up (healthy or degraded), or `backend_unavailable` with no registry. */
  async reachable(): Promise<RegistryEntry[]> {
    return (await this.all()).filter((entry) => REACHABLE_STATES.has(entry.state));
  }

  /** Every backend the registry lists, whatever its state. */
  async all(): Promise<RegistryEntry[]> {
    const bucket = this.subjects.registryBucket;
    const entries: RegistryEntry[] = [];
    try {
      const kv = await new Kvm(this.nc).open(bucket);
      for (const key of await bucketKeys(this.nc, bucket)) {
        const entry = await kv.get(key);
        if (entry === null || entry.operation !== 'PUT') continue;
        const parsed = registryEntrySchema.safeParse(safeJson(entry.value));
        if (parsed.success) entries.push(parsed.data);
        if (entries.length >= MAX_ENTRIES) break;
      }
    } catch (error) {
      this.logger.warn({ err: error, bucket }, 'cannot read the fleet registry');
      throw new SwitchyardError(
        'backend_unavailable',
        `the fleet registry (KV bucket ${bucket}) cannot be read: is discovery running, with JetStream on?`,
        { cause: error },
      );
    }
    return entries;
  }
}

function safeJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}
