import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  lifecycleEventSchema,
  Subjects,
  type LifecycleEvent,
  type SwitchyardConfigInput,
} from '@switchyard/contracts';
import { runService, type RunningService } from '@switchyard/service';
import {
  closeConnection,
  freePorts,
  startNatsServer,
  startServiceProcess,
  stopProcesses,
  tearDown,
  waitFor,
  type NatsServer,
  type ServiceProcess,
} from '@switchyard/testing';
import { gatewayService } from '../../src/gateway-service.js';
import { TEST_DISCOVERY, urlOf } from './fleet.fixture.js';

const entry = (app: string): string =>
  fileURLToPath(new URL(`../../../${app}/dist/main.js`, import.meta.url));

export interface OrchestratedFleet {
  nats: NatsServer;
  nc: NatsConnection;
  /** The Ollama sim's port; nothing listens there until the orchestrator starts it. */
  port: number;
  gateway: RunningService;
  url: string;
  orchestrator: ServiceProcess;
  discovery: ServiceProcess;
  events: LifecycleEvent[];
  waitForEvent(state: LifecycleEvent['state'], after?: number): Promise<LifecycleEvent>;
  /**
   * The states of the lifecycle events so far, once `count` have arrived: they travel to the test
   * on a path of their own, which may trail the HTTP answer a little.
   */
  statesOnceThere(count: number): Promise<LifecycleEvent['state'][]>;
  close(): Promise<void>;
}

/**
 * A fleet whose only backend is a managed Ollama sim (`switchyard sim`) the orchestrator starts:
 * nats-server with JetStream, the orchestrator, discovery and an Ollama worker as processes from
 * their builds, and a gateway in this process. Nothing serves a model until something asks.
 */
export async function startOrchestratedFleet(options: {
  backend?: Record<string, unknown>;
  orchestrator?: Record<string, unknown>;
  /** The Ollama worker's settings (`workers.ollama`), over a 300 ms model refresh. */
  worker?: Record<string, unknown>;
  gateway?: Record<string, unknown>;
}): Promise<OrchestratedFleet> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-orchestrated-'));
  const nats = await startNatsServer({ jetstream: true });
  const nc = await connect({ servers: nats.url, name: 'orchestrated-fleet' });
  const subjects = new Subjects();
  const events: LifecycleEvent[] = [];
  nc.subscribe(subjects.lifecycleWildcard, {
    callback: (error, msg) => {
      if (!error) events.push(lifecycleEventSchema.parse(msg.json()));
    },
  });
  const [port] = (await freePorts(1)) as [number];
  const config: SwitchyardConfigInput = {
    nats: { servers: [nats.url] },
    log: { level: 'info' },
    shutdown: { grace_ms: 1_000 },
    backends: [
      {
        id: 'managed-ollama',
        kind: 'ollama',
        url: `http://127.0.0.1:${port}`,
        mode: 'managed',
        command: {
          program: process.execPath,
          args: [entry('cli'), 'sim', '--kind', 'ollama', '--port', String(port), '--load-ms', '0'],
        },
        models: ['llama3.2'],
        ...options.backend,
      },
    ],
    workers: { ollama: { refresh_interval_ms: 300, ...options.worker } },
    discovery: TEST_DISCOVERY,
    orchestrator: { ready_poll_ms: 100, usage_poll_ms: 300, ...options.orchestrator },
  };
  const file = join(dir, 'switchyard.json');
  await writeFile(file, JSON.stringify(config));
  const env = { SWITCHYARD_CONFIG: file };
  const orchestrator = startServiceProcess(entry('orchestrator'), { env });
  const discovery = startServiceProcess(entry('discovery'), { env });
  const processes = [orchestrator, discovery];
  const gatewayFile = join(dir, 'gateway.json');
  await writeFile(
    gatewayFile,
    JSON.stringify({
      ...config,
      log: { level: process.env['GATEWAY_TEST_LOG'] ?? 'silent' },
      gateway: { port: 0, ...options.gateway },
    }),
  );
  let gateway: RunningService | undefined;
  const close = (): Promise<void> =>
    tearDown(
      async () => gateway?.stop('test over'),
      () => stopProcesses(processes),
      () => closeConnection(nc),
      () => nats.stop(),
      () => rm(dir, { recursive: true, force: true }),
    );
  try {
    await orchestrator.waitForLog('orchestrator ready', 20_000);
    // The worker starts once the registry bucket exists: one that finds none looks again only
    // after its refresh interval, and until then learns nothing of the backend starting.
    await discovery.waitForLog('discovery started', 20_000);
    const worker = startServiceProcess(entry('ollama-worker'), { env });
    processes.push(worker);
    await worker.waitForLog('ollama-worker started', 20_000);
    gateway = await runService(gatewayService, { argv: ['--config', gatewayFile], env: {} });
    return {
      nats,
      nc,
      port,
      gateway,
      url: urlOf(gateway),
      orchestrator,
      discovery,
      events,
      async waitForEvent(state, after = 0) {
        await waitFor(() => events.slice(after).some((event) => event.state === state), {
          timeoutMs: 30_000,
          description: `a lifecycle event "${state}"`,
        });
        return events.slice(after).find((event) => event.state === state) as LifecycleEvent;
      },
      async statesOnceThere(count) {
        await waitFor(() => events.length >= count, {
          description: `${count} lifecycle events`,
        });
        return events.map((event) => event.state);
      },
      close,
    };
  } catch (error) {
    // The start-up failure is the one to report, not what tearing the half-started fleet down met.
    await close().catch(() => undefined);
    throw error;
  }
}
