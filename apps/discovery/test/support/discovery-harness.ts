import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import {
  healthEventSchema,
  registrySnapshotSchema,
  Subjects,
  switchyardConfigSchema,
  type HealthEvent,
  type RegistryEntry,
  type SwitchyardConfigInput,
} from '@switchyard/contracts';
import { bucketKeys } from '@switchyard/nats';
import {
  closeConnection,
  freePorts,
  SCHEDULING_SLACK_MS,
  startNatsServer,
  tearDown,
  waitFor,
  type NatsServer,
  type NatsServerOptions,
} from '@switchyard/testing';
import { DiscoveryService } from '../../src/discovery.service.js';
import { capturedLogger } from './captured-logger.js';

/**
 * Short timings, so every behaviour shows within a second or two. What a loaded machine can
 * stretch without the backend being at fault carries the scheduling slack: a probe answer the
 * scheduler held up must not read as a slow (degraded) or dead backend, and a lease renewal
 * (every third of lease_ttl_ms, a JetStream write) must not miss its expiry and flip the leader.
 */
export const TEST_DISCOVERY = {
  interval_ms: 250,
  model_refresh_ms: 600,
  probe_timeout_ms: 1_500 + SCHEDULING_SLACK_MS,
  degraded_latency_ms: 1_200 + SCHEDULING_SLACK_MS,
  max_backoff_ms: 1_000,
  heartbeat_ms: 1_000,
  entry_ttl_ms: 5_000,
  lease_ttl_ms: 900 + SCHEDULING_SLACK_MS,
} as const;

export interface WellKnownPorts {
  ollama: number;
  lmstudio: number;
  vllm: number;
}

export interface HarnessOptions {
  /** How the test's nats-server runs (JetStream on by default; accounts, users, limits…). */
  nats?: NatsServerOptions;
  /** Credentials of the test's own connection, and of the replicas' unless they name theirs. */
  connection?: Partial<ConnectionOptions>;
}

export interface ReplicaOptions {
  /** The replica's own credentials; default the harness's. */
  connection?: Partial<ConnectionOptions>;
  /** Runs once the replica is connected, right before its `start()`. */
  beforeStart?: () => void | Promise<void>;
}

/**
 * A nats-server (JetStream on unless told otherwise) of the test's own, a connection that records
 * every health event, and discovery replicas started in this process, each with its own
 * connection like a process of its own, all logging into `logs`. `close()` stops all of it.
 */
export class DiscoveryHarness {
  readonly subjects = new Subjects();
  readonly events: HealthEvent[] = [];
  /** Every replica's log lines (info and above), parsed. */
  readonly logs: Record<string, unknown>[] = [];
  private readonly replicas: { service: DiscoveryService; nc: NatsConnection }[] = [];

  private constructor(
    readonly nats: NatsServer,
    readonly nc: NatsConnection,
    /** Free ports standing in for 11434, 1234 and 8000; nothing listens there unless a test binds it. */
    readonly wellKnown: WellKnownPorts,
    private readonly connection: Partial<ConnectionOptions>,
  ) {
    nc.subscribe(this.subjects.healthWildcard, {
      callback: (error, message) => {
        if (!error) this.events.push(healthEventSchema.parse(message.json()));
      },
    });
  }

  static async start(options: HarnessOptions = {}): Promise<DiscoveryHarness> {
    const nats = await startNatsServer(options.nats);
    const connection = options.connection ?? {};
    const nc = await connect({ ...connection, servers: nats.url, name: 'discovery-test' });
    const [ollama, lmstudio, vllm] = (await freePorts(3)) as [number, number, number];
    return new DiscoveryHarness(nats, nc, { ollama, lmstudio, vllm }, connection);
  }

  /**
   * Starts a discovery replica with the test timings, probing the test's well-known ports, and
   * resolves once its `start()` has.
   */
  async startDiscovery(
    config: SwitchyardConfigInput = {},
    { connection = this.connection, beforeStart }: ReplicaOptions = {},
  ): Promise<DiscoveryService> {
    const parsed = switchyardConfigSchema.parse({
      ...config,
      nats: { servers: [this.nats.url] },
      discovery: { ...TEST_DISCOVERY, well_known: this.wellKnown, ...config.discovery },
    });
    const nc = await connect({ ...connection, servers: this.nats.url, name: 'discovery' });
    const logger = capturedLogger(this.logs);
    const service = new DiscoveryService(nc, this.subjects, parsed, logger);
    this.replicas.push({ service, nc });
    await beforeStart?.();
    await service.start();
    return service;
  }

  async stopDiscovery(service: DiscoveryService): Promise<void> {
    const index = this.replicas.findIndex((replica) => replica.service === service);
    const [replica] = this.replicas.splice(index, 1);
    if (replica === undefined) return;
    await tearDown(
      () => replica.service.stop(),
      () => closeConnection(replica.nc),
    );
  }

  /** The registry as the KV bucket holds it, by id. */
  async bucket(): Promise<Map<string, RegistryEntry>> {
    const kv = await new Kvm(this.nc).open(this.subjects.registryBucket);
    const entries = new Map<string, RegistryEntry>();
    for (const key of await bucketKeys(this.nc, this.subjects.registryBucket)) {
      const stored = await kv.get(key);
      if (stored?.operation === 'PUT') entries.set(key, stored.json<RegistryEntry>());
    }
    return entries;
  }

  /**
   * Whether the bucket holds a live entry for this id: one direct get, no listing.
   */
  async inBucket(id: string): Promise<boolean> {
    const kv = await new Kvm(this.nc).open(this.subjects.registryBucket);
    return (await kv.get(id))?.operation === 'PUT';
  }

  async snapshot(): Promise<RegistryEntry[]> {
    const reply = await this.nc.request(this.subjects.discoverySnapshot, '', {
      timeout: 2_000 + SCHEDULING_SLACK_MS,
    });
    return registrySnapshotSchema.parse(reply.json()).backends;
  }

  /** Waits until the snapshot has an entry with this id that satisfies `check`, and returns it. */
  async waitForEntry(
    id: string,
    check: (entry: RegistryEntry) => boolean,
    timeoutMs = 3_000 + SCHEDULING_SLACK_MS,
  ): Promise<RegistryEntry> {
    let found: RegistryEntry | undefined;
    await waitFor(
      async () => {
        found = (await this.snapshot()).find((entry) => entry.id === id);
        return found !== undefined && check(found);
      },
      { timeoutMs, intervalMs: 50, description: `registry entry ${id} to match` },
    );
    return found as RegistryEntry;
  }

  /**
   * Waits until `count` change events of this id have arrived, and returns them. The registry
   * (and so the snapshot) is updated before the event is published, so an entry seen in the
   * snapshot does not mean its event has reached this connection yet.
   */
  async waitForChanges(id: string, count = 1): Promise<HealthEvent[]> {
    await waitFor(() => this.changes(id).length >= count, {
      timeoutMs: SCHEDULING_SLACK_MS,
      intervalMs: 10,
      description: `${count} change event(s) of ${id}`,
    });
    return this.changes(id);
  }

  /** The log lines with this message. */
  logged(msg: string): Record<string, unknown>[] {
    return this.logs.filter((line) => line['msg'] === msg);
  }

  changes(id?: string): HealthEvent[] {
    return this.events.filter(
      (event) => event.type === 'change' && (id === undefined || event.backend.id === id),
    );
  }

  async close(): Promise<void> {
    await tearDown(
      ...[...this.replicas].map((replica) => () => this.stopDiscovery(replica.service)),
      () => closeConnection(this.nc),
      () => this.nats.stop(),
    );
  }
}

/** The registry id discovery gives a well-known port on loopback. */
export function localId(kind: string, port: number): string {
  return `${kind}-127-0-0-1-${port}`;
}
