import { Kvm, type KV } from '@nats-io/kv';
import {
  isServingState,
  registryEntrySchema,
  type BackendKind,
  type RegistryEntry,
  type Subjects,
} from '@switchyard/contracts';
import type { NatsConnection, NatsLogger } from '@switchyard/nats';
import type { BackendEndpoint } from '../backend-adapter.js';

export interface RegistryEndpointsOptions {
  nc: NatsConnection;
  subjects: Subjects;
  kind: BackendKind;
  /** Called with the servable endpoints of this kind whenever that list changes. */
  onChange(endpoints: BackendEndpoint[]): void;
  /** How long to wait before looking for the bucket again while discovery has not made it. */
  retryMs: number;
  logger: NatsLogger;
}

/**
 * The backends of one kind that discovery lists in the registry KV bucket as healthy or degraded.
 * It watches the bucket (waiting for it while no discovery has created it) and reports each change
 * of that list. Entries are validated; anything else in the bucket is ignored.
 */
export class RegistryEndpoints {
  private readonly entries = new Map<string, RegistryEntry>();
  private reported = '';
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private watcher: { stop(): void } | undefined;

  constructor(private readonly options: RegistryEndpointsOptions) {}

  /** Starts watching; returns at once, the first list arrives through `onChange`. */
  start(): void {
    void this.watch();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.watcher?.stop();
  }

  private async watch(): Promise<void> {
    const { nc, subjects, logger } = this.options;
    let kv: KV;
    try {
      kv = await new Kvm(nc).open(subjects.registryBucket);
      await kv.status();
    } catch (error) {
      logger.debug(
        { err: error, bucket: subjects.registryBucket },
        'no fleet registry yet; serving configured backends',
      );
      this.retry();
      return;
    }
    if (this.stopped) return;
    const updates = await kv.watch();
    this.watcher = updates;
    try {
      for await (const entry of updates) {
        if (entry.operation === 'PUT') this.put(entry.key, entry.value);
        else this.entries.delete(entry.key);
        this.report();
      }
    } catch (error) {
      logger.warn({ err: error }, 'the fleet registry watch ended; watching again');
      this.retry();
    }
  }

  private put(key: string, value: Uint8Array): void {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(value));
    } catch {
      json = undefined;
    }
    const parsed = registryEntrySchema.safeParse(json);
    if (parsed.success) this.entries.set(key, parsed.data);
    else this.entries.delete(key);
  }

  private report(): void {
    const endpoints = [...this.entries.values()]
      .filter((entry) => entry.kind === this.options.kind && isServingState(entry.state))
      .map((entry) => ({ id: entry.id, url: entry.url.replace(/\/+$/, '') }))
      .sort((a, b) => a.id.localeCompare(b.id));
    const key = JSON.stringify(endpoints);
    if (key === this.reported) return;
    this.reported = key;
    this.options.onChange(endpoints);
  }

  private retry(): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => void this.watch(), this.options.retryMs);
  }
}
