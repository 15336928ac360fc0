import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  Subjects,
  type DiscoveryConfig,
  type RegistryEntry,
  type SwitchyardConfig,
} from '@switchyard/contracts';
import { NATS_CONNECTION, type NatsConnection } from '@switchyard/nats';
import { SERVICE_LOGGER, SERVICE_CONFIG, type Logger } from '@switchyard/service';
import { FleetMonitor } from './fleet/fleet-monitor.js';
import { LifecycleListener } from './fleet/lifecycle-listener.js';
import { watchTargets, type WatchTarget } from './fleet/watch-targets.js';
import { HttpProber } from './probing/http-prober.js';
import { withBucketTtls } from './registry/bucket-timings.js';
import { FleetRegistry } from './registry/fleet-registry.js';
import { HealthPublisher } from './registry/health-publisher.js';
import { LeaderLease } from './registry/leader-lease.js';
import {
  KV_OPEN_WINDOW_MS,
  openBucket,
  RegistryUnavailableError,
  type OpenBucketOptions,
} from './registry/open-bucket.js';
import { RegistryStore } from './registry/registry-store.js';
import { SnapshotResponder } from './registry/snapshot-responder.js';

/**
 * Discovery: watches the configured backends and the well-known local ports, and keeps the
 * fleet registry (KV bucket, health events, snapshot answers). Replicas elect one active member
 * through a lease in KV; the others stand by and answer snapshot requests from the bucket.
 * Without JetStream (not enabled for its server or account) it runs alone, publishing events and
 * answering snapshots from memory; with JetStream on, it does not start without its buckets.
 */
@Injectable()
export class DiscoveryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Names this replica in health events (`source`) and in the lease. */
  readonly instanceId = `discovery-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly targets: WatchTarget[];
  private readonly http: HttpProber;
  private readonly publisher: HealthPublisher;
  /**
   * The discovery settings in force: the configuration's, with the TTLs of the buckets as they
   * exist (and the intervals that must beat them) once they are open.
   */
  private timings: DiscoveryConfig;
  private store: RegistryStore | undefined;
  private lease: LeaderLease | undefined;
  private responder: SnapshotResponder | undefined;
  private readonly lifecycle: LifecycleListener;
  private active: { monitor: FleetMonitor; registry: FleetRegistry } | undefined;
  private transitions: Promise<void> = Promise.resolve();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(Subjects) private readonly subjects: Subjects,
    @Inject(SERVICE_CONFIG) private readonly config: SwitchyardConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.targets = watchTargets(config);
    this.http = new HttpProber({
      timeoutMs: config.discovery.probe_timeout_ms,
      maxBytes: config.discovery.max_response_bytes,
    });
    this.publisher = new HealthPublisher(nc, subjects, this.instanceId, logger);
    this.lifecycle = new LifecycleListener(
      nc,
      subjects,
      (backendId) => this.active?.monitor.checkNow(backendId),
      logger,
    );
    this.timings = config.discovery;
  }

  /** Whether this replica is the one probing and publishing. */
  get isActive(): boolean {
    return this.active !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async start(): Promise<void> {
    const discovery = this.config.discovery;
    let leaseKv;
    // Both buckets share one retry window. Only "JetStream is not enabled" lets discovery run
    // without them (alone, as no replica can hold a lease then); JetStream refusing a bucket, or
    // still failing when the window closes, fails start (RegistryBucketError propagates): a
    // replica outside the lease running alone would be a second leader.
    const opening: OpenBucketOptions = {
      deadline: Date.now() + KV_OPEN_WINDOW_MS,
      onRetry: (error, { bucket, attempt, delayMs }) =>
        this.logger.warn(
          { err: error, bucket, attempt, retry_in_ms: delayMs },
          'could not open the KV bucket yet; retrying',
        ),
    };
    try {
      const replicas = discovery.kv_replicas;
      this.store = await RegistryStore.open(
        this.nc,
        { bucket: this.subjects.registryBucket, ttlMs: discovery.entry_ttl_ms, replicas },
        opening,
      );
      const lease = await openBucket(
        this.nc,
        { bucket: this.subjects.leaseBucket, ttlMs: discovery.lease_ttl_ms, replicas },
        opening,
      );
      leaseKv = lease.kv;
      const { config: timings, mismatches } = withBucketTtls(discovery, {
        registry: { bucket: this.subjects.registryBucket, ttlMs: this.store.ttlMs },
        lease: { bucket: this.subjects.leaseBucket, ttlMs: lease.ttlMs },
      });
      this.timings = timings;
      for (const mismatch of mismatches) {
        this.logger.warn(
          { ...mismatch, heartbeat_ms: timings.heartbeat_ms },
          "a KV bucket's TTL differs from the configuration; discovery follows the bucket " +
            '(it is what expires entries and the lease), so set the two alike',
        );
      }
    } catch (error) {
      if (!(error instanceof RegistryUnavailableError)) throw error;
      this.store = undefined;
      this.logger.warn(
        { err: error },
        'JetStream KV unavailable: running as the only replica, with events and snapshots only',
      );
    }
    this.responder = new SnapshotResponder(
      this.nc,
      this.subjects,
      () => this.snapshot(),
      this.logger,
    );
    this.responder.start();
    this.lifecycle.start();
    this.logger.info(
      { instance: this.instanceId, targets: this.targets.map(({ id, url }) => ({ id, url })) },
      'discovery watching',
    );
    if (this.store === undefined || leaseKv === undefined) {
      await this.activate();
      return;
    }
    this.lease = new LeaderLease(
      leaseKv,
      this.instanceId,
      this.timings.lease_ttl_ms,
      { acquired: () => this.activate(), lost: () => this.standBy() },
      (error, message) => this.logger.warn({ err: error }, message),
    );
    this.lease.start();
  }

  async stop(): Promise<void> {
    this.lifecycle.stop();
    await this.lease?.stop();
    await this.standBy();
    await this.responder?.stop();
    await this.http.close();
  }

  /** The registry: the active replica's own view, or the bucket's on a stand-by. */
  async snapshot(): Promise<RegistryEntry[]> {
    if (this.active !== undefined) return this.active.registry.entries();
    return this.store === undefined ? [] : this.store.list();
  }

  private activate(): Promise<void> {
    return this.transition(async () => {
      if (this.active !== undefined) return;
      const seeds = await this.store?.list().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'could not read the registry bucket; starting empty');
        return [];
      });
      const registry = new FleetRegistry(
        this.store,
        this.publisher,
        this.timings.entry_ttl_ms,
        this.logger,
      );
      const monitor = new FleetMonitor(
        this.targets,
        this.http,
        this.timings,
        registry,
        this.logger,
      );
      this.active = { monitor, registry };
      monitor.start(seeds ?? []);
      this.logger.info(
        { instance: this.instanceId, seeded: seeds?.length ?? 0 },
        'discovery active',
      );
    });
  }

  private standBy(): Promise<void> {
    return this.transition(async () => {
      const active = this.active;
      if (active === undefined) return;
      this.active = undefined;
      await active.monitor.stop();
      this.logger.info({ instance: this.instanceId }, 'discovery standing by');
    });
  }

  /** Activation and stand-by never overlap. */
  private transition(task: () => Promise<void>): Promise<void> {
    const next = this.transitions.then(task);
    this.transitions = next.catch(() => undefined);
    return next;
  }
}
