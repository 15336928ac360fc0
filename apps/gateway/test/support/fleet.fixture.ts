import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { startSimulator, type RunningSimulator, type StartOptions } from '@switchyard/backend-sim';
import { registryEntrySchema, Subjects, type BackendKind } from '@switchyard/contracts';
import { runService, type RunningService } from '@switchyard/service';
import {
  startNatsServer,
  startServiceProcess,
  stopProcesses,
  tearDown,
  TcpRelay,
  waitFor,
  type NatsServer,
  type ServiceProcess,
} from '@switchyard/testing';
import { stringify } from 'yaml';
import { gatewayService } from '../../src/gateway-service.js';

const workerEntry = (kind: BackendKind): string =>
  fileURLToPath(new URL(`../../../${kind}-worker/dist/main.js`, import.meta.url));
const discoveryEntry = fileURLToPath(new URL('../../../discovery/dist/main.js', import.meta.url));

/** Discovery with short timings and no well-known ports, for every fleet a gateway test runs. */
export const TEST_DISCOVERY = {
  well_known_ports: false,
  interval_ms: 250,
  model_refresh_ms: 500,
  heartbeat_ms: 1_000,
  entry_ttl_ms: 10_000,
  lease_ttl_ms: 1_000,
};

export interface FleetOptions {
  /** One simulator and one worker process per entry. */
  backends?: { kind: BackendKind; sim?: Partial<StartOptions> }[];
  /** The `gateway` section of the gateways' configuration (port 0 unless given). */
  gateway?: Record<string, unknown>;
  /** Further top-level configuration for the gateways (e.g. `shutdown`). */
  config?: Record<string, unknown>;
  gateways?: number;
  /** The key the fixture itself sends, when the gateways require one. */
  apiKey?: string;
  /**
   * Runs discovery (JetStream on) over the fleet's backends, and resolves only once the registry
   * lists every backend as healthy. Model management needs it.
   */
  discovery?: boolean;
  /** The workers' log level (default `info`); their JSON lines are in `workers[i].logs()`. */
  workerLogLevel?: string;
  /** The nats-server's configuration file, e.g. a small `max_payload`. */
  natsConfig?: string;
  /** The gateways reach NATS through a {@link TcpRelay} (`fleet.gatewayLink`) a test can cut. */
  gatewayLink?: boolean;
}

export interface Fleet {
  nats: NatsServer;
  /** The gateways' link to NATS, with `gatewayLink`. */
  gatewayLink: TcpRelay | undefined;
  sims: RunningSimulator[];
  sim(kind: BackendKind): RunningSimulator;
  /** `workers[i]` manages `backends[i]`, as `sims[i]` simulates it. */
  workers: ServiceProcess[];
  gateways: RunningService[];
  /** The first gateway's base URL. */
  url: string;
  urls: string[];
  /** Starts one more gateway on the same NATS. */
  addGateway(): Promise<RunningService>;
  close(): Promise<void>;
}

/**
 * A whole fleet for a test: its own nats-server, a simulator and a real worker process (from
 * the worker app's build) per backend, and gateways running in this process. Resolves once the
 * first gateway lists a model of every backend.
 */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-gateway-'));
  const nats = await startNatsServer({
    jetstream: options.discovery === true,
    ...(options.natsConfig === undefined ? {} : { config: options.natsConfig }),
  });
  const sims: RunningSimulator[] = [];
  const workers: ServiceProcess[] = [];
  const gateways: RunningService[] = [];
  let discovery: ServiceProcess | undefined;
  const gatewayLink = options.gatewayLink === true ? await TcpRelay.start(nats.port) : undefined;
  const close = (): Promise<void> =>
    tearDown(
      () => Promise.allSettled(gateways.map((gateway) => gateway.stop('test over'))),
      async () => gatewayLink?.close(),
      () => stopProcesses(workers),
      async () => discovery?.stop('SIGTERM'),
      () => Promise.allSettled(sims.map((sim) => sim.close())),
      () => nats.stop(),
      () => rm(dir, { recursive: true, force: true }),
    );
  try {
    const backends = options.backends ?? [{ kind: 'ollama' as const }];
    for (const backend of backends) {
      sims.push(
        await startSimulator({ tokensPerSecond: 0, loadMs: 0, ...backend.sim, kind: backend.kind }),
      );
    }
    await Promise.all(
      backends.map(async ({ kind }, i) => {
        const file = join(dir, `worker-${i}.yaml`);
        await writeFile(
          file,
          stringify({
            nats: { servers: [nats.url] },
            log: { level: 'warn' },
            shutdown: { grace_ms: 1_000 },
            backends: [{ id: `${kind}-${i}`, kind, url: (sims[i] as RunningSimulator).url }],
            workers: { [kind]: { refresh_interval_ms: 1_000, heartbeat_interval_ms: 250 } },
          }),
        );
        const worker = startServiceProcess(workerEntry(kind), {
          env: { SWITCHYARD_CONFIG: file, SWITCHYARD_LOG__LEVEL: options.workerLogLevel ?? 'info' },
        });
        // By index: the workers start concurrently, and pushing would order them by who came first.
        workers[i] = worker;
        await worker.waitForLog(`${kind}-worker started`);
      }),
    );
    if (options.discovery === true) {
      const kinds = backends.map(({ kind }) => kind);
      discovery = await startDiscovery(dir, nats.url, kinds, sims);
    }
    const gatewayFile = join(dir, 'gateway.yaml');
    await writeFile(
      gatewayFile,
      stringify({
        log: { level: process.env['GATEWAY_TEST_LOG'] ?? 'silent' },
        shutdown: { grace_ms: 1_000 },
        ...options.config,
        // The fleet's own server; the test's `config.nats` may add to it (timings).
        nats: {
          ...(options.config?.['nats'] as Record<string, unknown> | undefined),
          servers: [gatewayLink?.natsUrl ?? nats.url],
        },
        gateway: { port: 0, ...options.gateway },
      }),
    );
    const addGateway = async (): Promise<RunningService> => {
      const gateway = await runService(gatewayService, {
        argv: ['--config', gatewayFile],
        env: {},
      });
      gateways.push(gateway);
      return gateway;
    };
    for (let i = 0; i < (options.gateways ?? 1); i++) await addGateway();
    const fleet: Fleet = {
      nats,
      gatewayLink,
      sims,
      sim: (kind) => {
        const sim = sims.find((candidate) => candidate.kind === kind);
        if (sim === undefined) throw new Error(`no ${kind} simulator in this fleet`);
        return sim;
      },
      workers,
      gateways,
      get url() {
        return urlOf(gateways[0] as RunningService);
      },
      get urls() {
        return gateways.map(urlOf);
      },
      addGateway,
      close,
    };
    await waitFor(
      async () => {
        const headers: Record<string, string> =
          options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` };
        const response = await fetch(`${fleet.url}/v1/models`, { headers });
        const body = (await response.json()) as { data: { kinds: string[] }[] };
        const kinds = new Set(body.data.flatMap((model) => model.kinds));
        return backends.every(({ kind }) => kinds.has(kind));
      },
      { timeoutMs: 10_000, intervalMs: 100, description: 'the gateway to list every backend' },
    );
    return fleet;
  } catch (error) {
    // The start-up failure is the one to report, not what tearing the half-started fleet down met.
    await close().catch(() => undefined);
    throw error;
  }
}

/** Discovery over the fleet's backends, started once the registry lists them all as healthy. */
async function startDiscovery(
  dir: string,
  natsUrl: string,
  kinds: BackendKind[],
  sims: RunningSimulator[],
): Promise<ServiceProcess> {
  const file = join(dir, 'discovery.yaml');
  const backends = kinds.map((kind, i) => ({
    id: `${kind}-${i}`,
    kind,
    url: (sims[i] as RunningSimulator).url,
  }));
  await writeFile(
    file,
    stringify({
      nats: { servers: [natsUrl] },
      log: { level: 'warn' },
      shutdown: { grace_ms: 1_000 },
      backends,
      discovery: TEST_DISCOVERY,
    }),
  );
  const discovery = startServiceProcess(discoveryEntry, { env: { SWITCHYARD_CONFIG: file } });
  const nc = await connect({ servers: natsUrl, name: 'fleet-fixture' });
  try {
    await waitFor(
      async () => {
        const kv = await new Kvm(nc).open(new Subjects().registryBucket).catch(() => undefined);
        if (kv === undefined || (await kv.status().catch(() => undefined)) === undefined) {
          return false;
        }
        for (const backend of backends) {
          const entry = await kv.get(backend.id);
          if (entry === null || entry.operation !== 'PUT') return false;
          const parsed = registryEntrySchema.safeParse(entry.json());
          if (!parsed.success || parsed.data.state !== 'healthy') return false;
        }
        return true;
      },
      { timeoutMs: 15_000, intervalMs: 200, description: 'discovery to list every backend' },
    );
  } catch (error) {
    await discovery.stop('SIGKILL');
    throw error;
  } finally {
    await nc.close();
  }
  return discovery;
}

export function urlOf(gateway: RunningService): string {
  const server = (gateway.app as unknown as { getHttpServer(): { address(): AddressInfo } })
    .getHttpServer()
    .address();
  return `http://127.0.0.1:${server.port}`;
}
