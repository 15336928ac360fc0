import type { DiscoveryConfig, RegistryEntry } from '@switchyard/contracts';
import type { Logger } from '@switchyard/service';
import type { HttpProber } from '../probing/http-prober.js';
import { KIND_PROBES } from '../probing/kind-probes.js';
import type { FleetRegistry } from '../registry/fleet-registry.js';
import { EndpointWatcher, lastAnswer } from './endpoint-watcher.js';
import type { WatchTarget } from './watch-targets.js';

/**
 * The active replica's work: one watcher per target feeding the registry, and the heartbeat
 * that re-publishes every entry. Entries found in the bucket seed the watchers of the same
 * target (same id, kind and URL), so a restart or a takeover carries the registry on instead of
 * announcing it again. Bucket entries of any other address are removed, never probed: discovery
 * only probes what its own configuration names.
 */
export class FleetMonitor {
  private readonly watchers: EndpointWatcher[] = [];
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly targets: readonly WatchTarget[],
    private readonly http: HttpProber,
    private readonly config: DiscoveryConfig,
    private readonly registry: FleetRegistry,
    private readonly logger: Logger,
  ) {}

  start(seeds: readonly RegistryEntry[]): void {
    const byId = new Map(seeds.map((entry) => [entry.id, entry]));
    for (const target of this.targets) {
      const found = byId.get(target.id);
      byId.delete(target.id);
      const seed = found?.kind === target.kind && found.url === target.url ? found : undefined;
      if (seed !== undefined) this.registry.adopt(seed, target, lastAnswer(seed));
      const watcher = new EndpointWatcher(
        target,
        KIND_PROBES[target.kind],
        this.http,
        this.config,
        (update) => void this.registry.apply(update),
        seed,
      );
      this.watchers.push(watcher);
      watcher.start();
    }
    for (const stale of byId.keys()) void this.registry.remove(stale, 'not in the configuration');
    this.heartbeat = setInterval(() => void this.registry.heartbeat(), this.config.heartbeat_ms);
    this.logger.debug({ targets: this.targets.map((target) => target.url) }, 'watching endpoints');
  }

  /** Checks a target now (see {@link EndpointWatcher.checkSoon}); an unknown id is ignored. */
  checkNow(targetId: string): void {
    this.watchers.find((watcher) => watcher.target.id === targetId)?.checkSoon();
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    await Promise.all(this.watchers.map((watcher) => watcher.stop()));
    this.watchers.length = 0;
    await this.registry.settle();
  }
}
