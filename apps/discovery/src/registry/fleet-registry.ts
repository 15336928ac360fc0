import type { RegistryEntry } from '@switchyard/contracts';
import type { Logger } from '@switchyard/service';
import type { EndpointUpdate } from '../fleet/endpoint-watcher.js';
import type { WatchTarget } from '../fleet/watch-targets.js';
import type { HealthPublisher } from './health-publisher.js';
import type { RegistryStore } from './registry-store.js';

interface Published {
  entry: RegistryEntry;
  target: WatchTarget;
  answeredAt?: number;
}

/**
 * The registry as the active replica keeps it: what is published, written to KV before its
 * event goes out (so a consumer that reacts to an event finds the bucket already agreeing), one
 * write at a time per backend. Without a store (JetStream unavailable) only events are published.
 *
 * A write JetStream refuses does not hold the event back: the event is what watchers act on, and
 * a change announced late, or never, is lost for good, while the bucket catches up by itself.
 * The backend is marked unwritten and its latest entry written again at its next check (or
 * heartbeat, whichever comes first) until a write succeeds.
 */
export class FleetRegistry {
  private readonly published = new Map<string, Published>();
  private readonly queues = new Map<string, Promise<void>>();
  /** Backends whose latest entry the bucket does not hold: how many writes failed in a row. */
  private readonly unwritten = new Map<string, number>();

  constructor(
    private readonly store: RegistryStore | undefined,
    private readonly publisher: HealthPublisher,
    private readonly entryTtlMs: number,
    private readonly logger: Logger,
  ) {}

  entries(): RegistryEntry[] {
    return [...this.published.values()]
      .map(({ entry }) => entry)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Takes over an entry found in the bucket (a restart, or another replica's work), so that
   * checks that find it unchanged announce nothing.
   */
  adopt(entry: RegistryEntry, target: WatchTarget, answeredAt: number | undefined): void {
    this.published.set(entry.id, {
      entry,
      target,
      ...(answeredAt === undefined ? {} : { answeredAt }),
    });
  }

  /** Takes in the result of one check. */
  apply(update: EndpointUpdate): Promise<void> {
    const { entry, target, answeredAt } = update;
    const known = this.published.get(entry.id);
    const next: Published = { entry, target, ...(answeredAt === undefined ? {} : { answeredAt }) };
    if (!this.publishable(next)) {
      return known === undefined ? Promise.resolve() : this.remove(entry.id, 'expired');
    }
    this.published.set(entry.id, next);
    const announce = known === undefined || update.changed;
    if (!announce && !this.unwritten.has(entry.id)) return Promise.resolve();
    return this.enqueue(entry.id, async () => {
      await this.write(entry);
      if (!announce) return;
      this.publisher.change(entry, update.previousState, update.reason);
      this.logger.info(
        {
          backend: entry.id,
          state: entry.state,
          previous_state: update.previousState,
          models: entry.models.length,
          reason: update.reason,
        },
        'backend changed',
      );
    });
  }

  /** Rewrites every entry (refreshing its age in the bucket) and publishes heartbeats. */
  async heartbeat(): Promise<void> {
    const tasks = [...this.published.values()].map((published) => {
      const { entry } = published;
      if (!this.publishable(published)) return this.remove(entry.id, 'expired');
      return this.enqueue(entry.id, async () => {
        await this.write(entry);
        this.publisher.heartbeat(entry);
      });
    });
    await Promise.all(tasks);
  }

  /** Removes an entry that no target produces any more (configuration changed). */
  remove(id: string, reason: string): Promise<void> {
    this.published.delete(id);
    this.unwritten.delete(id);
    return this.enqueue(id, async () => {
      await this.store?.delete(id);
      this.logger.info({ backend: id, reason }, 'backend removed from the registry');
    });
  }

  /** Lets queued writes finish. */
  async settle(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  /**
   * Configured backends are always in the registry. A well-known port is only once something
   * answered there, and only until `entry_ttl_ms` has passed without an answer.
   */
  private publishable({ target, answeredAt }: Published): boolean {
    if (target.origin === 'configured') return true;
    return answeredAt !== undefined && Date.now() - answeredAt < this.entryTtlMs;
  }

  /**
   * Writes an entry to the bucket; a failure is logged (the first of a run as a warning) and
   * leaves the backend unwritten instead of failing the caller, so its event still goes out.
   */
  private async write(entry: RegistryEntry): Promise<void> {
    if (this.store === undefined) return;
    const failures = this.unwritten.get(entry.id) ?? 0;
    try {
      await this.store.put(entry);
    } catch (error) {
      // A backend removed meanwhile needs no retry.
      if (this.published.has(entry.id)) this.unwritten.set(entry.id, failures + 1);
      const fields = { err: error, backend: entry.id, failures: failures + 1 };
      const message =
        'could not write a registry entry; the write is retried at the next check (its health ' +
        'event does not wait for it)';
      if (failures === 0) this.logger.warn(fields, message);
      else this.logger.debug(fields, message);
      return;
    }
    if (failures > 0 && this.unwritten.delete(entry.id)) {
      this.logger.info({ backend: entry.id, failures }, 'registry entry written again');
    }
  }

  private enqueue(id: string, task: () => Promise<void>): Promise<void> {
    const run = (this.queues.get(id) ?? Promise.resolve()).then(task).catch((error: unknown) => {
      this.logger.warn({ err: error, backend: id }, 'could not publish a registry entry');
    });
    const tail = run.finally(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    this.queues.set(id, tail);
    return run;
  }
}
