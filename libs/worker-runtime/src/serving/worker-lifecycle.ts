import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  backendConfigSchema,
  FLEET_MAX_PAYLOAD_BYTES,
  Subjects,
  type BackendKind,
  type SwitchyardConfig,
} from '@switchyard/contracts';
import { ConnectionWatch, NATS_CONNECTION, type NatsConnection } from '@switchyard/nats';
import { SERVICE_LOGGER, SERVICE_CONFIG, type Logger } from '@switchyard/service';
import type { BackendAdapter, BackendEndpoint } from '../backend-adapter.js';
import { WorkerManagement } from '../management/worker-management.js';
import { RegistryEndpoints } from './registry-endpoints.js';
import { newWorkerId, WorkerRuntime, type WorkerEndpointConfig } from './worker-runtime.js';

/** Injection token of the worker app's {@link BackendAdapter}. */
export const BACKEND_ADAPTER = Symbol.for('switchyard.backend-adapter');

/** The most a request message may weigh: the fleet's NATS message size. */
export const MAX_REQUEST_BYTES = FLEET_MAX_PAYLOAD_BYTES;

/**
 * Runs the {@link WorkerRuntime} and the backends' {@link WorkerManagement} inside the worker
 * app's Nest lifecycle, serving the configured backends and those discovery lists as healthy: they start serving once the application is up and, on shutdown, stop
 * taking requests and let in-flight ones finish within `shutdown.grace_ms` before NATS drains.
 */
@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly runtime: WorkerRuntime;
  readonly management: WorkerManagement;
  private readonly registry: RegistryEndpoints;

  constructor(
    @Inject(BACKEND_ADAPTER) private readonly adapter: BackendAdapter,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    subjects: Subjects,
    @Inject(SERVICE_CONFIG) private readonly config: SwitchyardConfig,
    @Inject(SERVICE_LOGGER) serviceLogger: Logger,
    connection: ConnectionWatch,
  ) {
    const settings = config.workers[adapter.kind];
    const workerId = newWorkerId(adapter.kind);
    // Its lines name the worker as its answers' `start` frames and `switchyard status` do.
    const logger = serviceLogger.child({ worker_id: workerId });
    this.runtime = new WorkerRuntime({
      nc,
      connection,
      subjects,
      adapter,
      workerId,
      endpoints: endpointsOf(config, adapter),
      refreshIntervalMs: settings.refresh_interval_ms,
      heartbeatIntervalMs: settings.heartbeat_interval_ms,
      defaultTimeoutMs: config.gateway.request_timeout_ms,
      maxRequestBytes: MAX_REQUEST_BYTES,
      version: '0.1.0',
      logger,
    });
    // Backends discovery finds join the configured ones; a configured backend always wins.
    const configured = endpointsOf(config, adapter);
    this.registry = new RegistryEndpoints({
      nc,
      subjects,
      kind: adapter.kind,
      retryMs: Math.max(settings.refresh_interval_ms, REGISTRY_RETRY_MIN_MS),
      logger,
      onChange: (found) => {
        this.runtime
          .setEndpoints(withDiscovered(configured, found, adapter.kind))
          .catch((error: unknown) =>
            logger.warn({ err: error }, 'could not serve the backends the registry lists'),
          );
      },
    });
    this.management = new WorkerManagement({
      nc,
      connection,
      subjects,
      adapter,
      endpoints: endpointsOf(config, adapter),
      refresh: () => this.runtime.refresh(),
      heartbeatIntervalMs: settings.heartbeat_interval_ms,
      defaultTimeoutMs: config.gateway.request_timeout_ms,
      workerId: this.runtime.workerId,
      allowPulls: config.orchestrator.pull_mode !== 'airgapped',
      logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
    this.registry.start();
    await this.management.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.registry.stop();
    const grace = { graceMs: this.config.shutdown.grace_ms };
    await Promise.all([this.runtime.stop(grace), this.management.stop(grace)]);
    await this.adapter.close?.();
  }
}

/** How often to look again for a registry bucket that no discovery has created yet, at least. */
const REGISTRY_RETRY_MIN_MS = 1_000;

/** The configured endpoints, then the discovered ones that are not configured (by id or URL). */
export function withDiscovered(
  configured: readonly WorkerEndpointConfig[],
  discovered: readonly BackendEndpoint[],
  kind: BackendKind,
): WorkerEndpointConfig[] {
  const known = new Set(configured.flatMap((endpoint) => [endpoint.id, endpoint.url]));
  const added = discovered
    .filter((endpoint) => !known.has(endpoint.id) && !known.has(endpoint.url))
    .map((endpoint) => {
      // The configuration's defaults for a backend nobody configured.
      const defaults = backendConfigSchema.parse({ id: endpoint.id, kind, url: endpoint.url });
      return {
        id: endpoint.id,
        url: endpoint.url,
        queueSize: defaults.queue_size,
        queueTimeoutMs: defaults.queue_timeout_ms,
      };
    });
  return [...configured, ...added];
}

/** The configured backends of the adapter's kind. */
export function endpointsOf(
  config: SwitchyardConfig,
  adapter: BackendAdapter,
): WorkerEndpointConfig[] {
  return config.backends
    .filter((backend) => backend.kind === adapter.kind)
    .map((backend) => ({
      id: backend.id,
      url: backend.url.replace(/\/+$/, ''),
      apiKey: backend.api_key,
      maxConcurrency: backend.max_concurrency,
      queueSize: backend.queue_size,
      queueTimeoutMs: backend.queue_timeout_ms,
    }));
}
