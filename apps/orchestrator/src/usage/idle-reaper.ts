import { INFERENCE_OPERATIONS, type Subjects } from '@switchyard/contracts';
import type { NatsConnection } from '@switchyard/nats';
import type { Logger } from '@switchyard/service';
import type { Fleet } from '../fleet/fleet.js';
import { registryModels } from '../fleet/registry-models.js';
import type { WorkerCatalogue } from '../fleet/worker-catalogue.js';
import type { BackendSupervisor } from '../supervision/backend-supervisor.js';
import type { LoadedModels } from './loaded-models.js';
import type { UsageLedger } from './usage-ledger.js';

export interface IdleReaperOptions {
  nc: NatsConnection;
  subjects: Subjects;
  fleet: Fleet;
  workers: WorkerCatalogue;
  usage: UsageLedger;
  loadedModels: LoadedModels;
  pollMs: number;
  logger: Logger;
}

/**
 * Stops managed backends that have an `idle_ttl_ms` once none of their models was used for that
 * long and no request to them is in flight, and has {@link LoadedModels} unload idle models.
 * Every `pollMs` it reads the workers' counters; a backend's models are those it is configured
 * with plus those discovery lists for it.
 */
export class IdleReaper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: IdleReaperOptions) {}

  start(): void {
    if (this.watched().length === 0 && !this.options.loadedModels.enabled) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private watched(): BackendSupervisor[] {
    return this.options.fleet
      .supervisors()
      .filter((s) => s.config.mode === 'managed' && s.config.idle_ttl_ms !== undefined);
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.tick()
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'usage check failed'))
        .finally(() => this.running && this.schedule());
    }, this.options.pollMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { nc, subjects, workers, usage, logger } = this.options;
    const running = this.watched().filter(
      (s) => s.current === 'ready' || s.current === 'unhealthy',
    );
    const [activity, discovered] = await Promise.all([
      workers.activity(),
      running.length === 0 ? new Map<string, string[]>() : registryModels(nc, subjects),
    ]);
    for (const supervisor of running) {
      const { id, kind, models, idle_ttl_ms: ttl } = supervisor.config;
      const names = [...models, ...(discovered.get(id) ?? [])];
      const served = names.flatMap((model) =>
        INFERENCE_OPERATIONS.flatMap((op) => [
          subjects.inference(op, model),
          subjects.inference(op, model, kind),
        ]),
      );
      usage.observe(id, served, activity);
      // A backend that became ready after its last use counts as used when it became ready.
      const readySince = Date.parse(supervisor.status().since);
      if (usage.lastUsedAt(id) < readySince) usage.touch(id);
      if (ttl !== undefined && usage.isIdle(id, ttl) && this.running) {
        logger.info({ backend: id, idle_ttl_ms: ttl }, 'stopping an idle backend');
        await supervisor
          .stop()
          .catch((error: unknown) =>
            logger.warn({ err: error, backend: id }, 'could not stop an idle backend'),
          );
      }
    }
    if (this.running) await this.options.loadedModels.apply(activity);
  }
}
