import type { KV } from '@nats-io/kv';
import { parseRegistryEntry, type RegistryEntry } from '@switchyard/contracts';
import { bucketValues, liveValue, type NatsConnection } from '@switchyard/nats';
import { openBucket, type BucketSettings, type OpenBucketOptions } from './open-bucket.js';

/**
 * The fleet registry in its JetStream KV bucket: one key per backend id, the value a registry
 * entry as JSON. The bucket keeps one revision per key and its `max_age` is the entry TTL:
 * every live entry is rewritten at least once per heartbeat, so an entry that nobody confirms
 * (every discovery replica gone) disappears on its own. Entries discovery itself gives up on are
 * deleted explicitly, so watchers see the delete at once.
 */
export class RegistryStore {
  private constructor(
    readonly kv: KV,
    /** The bucket's own `max_age`: `entry_ttl_ms` when discovery created it, else what it has. */
    readonly ttlMs: number,
    private readonly nc: NatsConnection,
    private readonly bucket: string,
  ) {}

  static async open(
    nc: NatsConnection,
    settings: BucketSettings,
    options?: OpenBucketOptions,
  ): Promise<RegistryStore> {
    const { kv, ttlMs } = await openBucket(nc, settings, options);
    return new RegistryStore(kv, ttlMs, nc, settings.bucket);
  }

  async put(entry: RegistryEntry): Promise<void> {
    await this.kv.put(entry.id, JSON.stringify(entry));
  }

  async delete(id: string): Promise<void> {
    await this.kv.delete(id);
  }

  /** Every valid entry; values that do not parse (another version's writers) are skipped. */
  async list(): Promise<RegistryEntry[]> {
    const entries = await bucketValues(this.nc, this.kv, this.bucket, parseRegistryEntry);
    return entries.sort((a, b) => a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<RegistryEntry | undefined> {
    return liveValue(await this.kv.get(id), parseRegistryEntry);
  }
}
