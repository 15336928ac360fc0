import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kvm } from '@nats-io/kv';
import { expectedCompletion, startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { Subjects } from '@switchyard/contracts';
import { connectNats, type NatsConnection } from '@switchyard/nats';
import {
  startServiceProcess,
  waitFor,
  type NatsServer,
  type ServiceProcess,
} from '@switchyard/testing';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import {
  connectedUsers,
  startExampleCluster,
  type ExampleCluster,
} from './support/example-cluster.js';
import { expectRefused } from './support/permission-refusal.js';

const entry = (app: string): string =>
  fileURLToPath(new URL(`../../apps/${app}/dist/main.js`, import.meta.url));

const subjects = new Subjects();
const MODEL = 'llama3.2:latest';
// Installed only on the GPU host's simulator, so only the worker behind the leaf serves it.
const GPU_MODEL = 'gpu-only:latest';
const messages = [{ role: 'user' as const, content: 'Say hello.' }];
// Discovery's defaults for the two buckets' max age (entry_ttl_ms, lease_ttl_ms).
const REGISTRY_TTL_MS = 60_000;
const LEASE_TTL_MS = 10_000;

// The example cluster of deploy/nats (three nodes, accounts and permissions as shipped), a
// gateway, discovery and an ollama worker each logged in as its own permissioned user, and a
// simulated Ollama. The gateway lists every node with randomize_servers off, so it starts on node
// 1; the worker connects to node 3; node 2 is the spare.
describe('the example NATS cluster (deploy/nats/cluster-node-*.conf)', () => {
  let cluster: ExampleCluster;
  let sim: RunningSimulator;
  let gpuSim: RunningSimulator | undefined;
  let dir: string;
  let admin: NatsConnection;
  let gateway: ServiceProcess;
  let discovery: ServiceProcess;
  let worker: ServiceProcess;
  let openai: OpenAI;
  let gatewayNode: NatsServer;
  let workerNode: NatsServer;
  let spareNode: NatsServer;
  const services: ServiceProcess[] = [];

  const natsSection = (user: string, servers: string[]) => ({
    servers,
    user,
    password: cluster.password(user),
  });
  const start = async (app: string, config: Record<string, unknown>, name = app) => {
    const file = join(dir, `${name}.yaml`);
    await writeFile(
      file,
      stringify({ log: { level: 'info' }, shutdown: { grace_ms: 1_000 }, ...config }),
    );
    const service = startServiceProcess(entry(app), { env: { SWITCHYARD_CONFIG: file } });
    services.push(service);
    await service.waitForLog(`${app} started`, 30_000);
    return service;
  };
  const ask = async (model = MODEL) => {
    const completion = await openai.chat.completions.create({ model, messages });
    return completion.choices[0]?.message.content;
  };
  const listsModel = async (id: string) => {
    const listed = await openai.models.list().catch(() => undefined);
    return listed?.data.some((model) => model.id === id) ?? false;
  };
  const expected = expectedCompletion({ model: MODEL, messages }).text;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-cluster-test-'));
    cluster = await startExampleCluster();
    sim = await startSimulator({ kind: 'ollama', tokensPerSecond: 0, loadMs: 0 });
    const backends = [{ id: 'ollama-sim', kind: 'ollama', url: sim.url }];

    // As docs/operations.md says: an operator creates the registry buckets with three replicas
    // before discovery starts, so the registry survives the loss of any one node.
    admin = await connectNats(natsSection('admin', cluster.urls), { name: 'cluster-test-admin' });
    const kvm = new Kvm(admin);
    await kvm.create(subjects.registryBucket, { history: 1, ttl: REGISTRY_TTL_MS, replicas: 3 });
    await kvm.create(`${subjects.registryBucket}_lease`, {
      history: 1,
      ttl: LEASE_TTL_MS,
      replicas: 3,
    });

    gateway = await start('gateway', {
      // Node 1 first, tried in order: the gateway starts on node 1.
      nats: { ...natsSection('gateway', cluster.urls), randomize_servers: false },
      gateway: { port: 0 },
    });
    const url = (await gateway.waitForLog('gateway listening'))['url'] as string;
    openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 15_000 });
    [gatewayNode, spareNode, workerNode] = cluster.nodes as [NatsServer, NatsServer, NatsServer];
    expect(await nodeOf('gateway')).toBe(gatewayNode);

    discovery = await start('discovery', {
      nats: natsSection('discovery', cluster.urls),
      discovery: { well_known_ports: false, interval_ms: 1_000 },
      backends,
    });
    worker = await start('ollama-worker', {
      nats: natsSection('worker', [workerNode.url]),
      backends,
      workers: { ollama: { refresh_interval_ms: 1_000, heartbeat_interval_ms: 250 } },
    });
    await waitFor(() => listsModel(MODEL), {
      timeoutMs: 20_000,
      intervalMs: 200,
      description: 'the gateway to list the worker model',
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(services.map((service) => service.stop('SIGTERM')));
    await admin?.close().catch(() => undefined);
    await sim?.close();
    await gpuSim?.close();
    await cluster?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function nodeOf(user: string): Promise<NatsServer> {
    let found: NatsServer | undefined;
    await waitFor(
      async () => {
        for (const node of cluster.nodes) {
          if (node.isRunning && (await connectedUsers(node)).includes(user)) found = node;
        }
        return found !== undefined;
      },
      { timeoutMs: 10_000, description: `the ${user} connection to show on a node` },
    );
    return found as NatsServer;
  }

  it('answers a chat request through the gateway, worker and discovery on their own users', async () => {
    expect(await connectedUsers(workerNode)).toContain('worker');
    expect(await ask()).toBe(expected);
    // Discovery wrote the backend into the three-replica registry bucket.
    const kv = await new Kvm(admin).open(subjects.registryBucket);
    await waitFor(async () => (await kv.get('ollama-sim'))?.operation === 'PUT', {
      timeoutMs: 15_000,
      description: 'discovery to register the simulated backend',
    });
    expect((await kv.status()).replicas).toBe(3);
  });

  it('refuses what the worker user may not do, and allows what it needs', async () => {
    const nc = await connectNats(natsSection('worker', [workerNode.url]), { name: 'not-a-worker' });
    try {
      await expectRefused(nc, 'subscribe', subjects.orchestrator('start'));
      await expectRefused(nc, 'publish', subjects.orchestrator('stop'));
      await expectRefused(nc, 'publish', subjects.chat(MODEL));
      // The same connection is still allowed its own subjects.
      const allowed = nc.subscribe(subjects.cancelWildcard);
      await nc.flush();
      expect(allowed.isClosed()).toBe(false);
      allowed.unsubscribe();
    } finally {
      await nc.close();
    }
  });

  it('lets the monitoring user ping the workers but not send them requests', async () => {
    const nc = await connectNats(natsSection('monitor', cluster.urls), { name: 'cluster-monitor' });
    try {
      const pong = await nc.request('$SRV.PING.ollama-worker', '', { timeout: 5_000 });
      expect(pong.json<{ name: string }>().name).toBe('ollama-worker');
      await expectRefused(nc, 'publish', subjects.chat(MODEL));
      await expectRefused(nc, 'subscribe', subjects.inferenceWildcard('chat'));
    } finally {
      await nc.close();
    }
  });

  it('serves a worker on a GPU host whose NATS server joins as a leaf node (leaf-gpu.conf)', async () => {
    const leaf = await cluster.startLeaf();
    gpuSim = await startSimulator({ kind: 'ollama', tokensPerSecond: 0, loadMs: 0 });
    gpuSim.addModel(GPU_MODEL);
    const backend = { id: 'ollama-gpu', kind: 'ollama', url: gpuSim.url };
    const gpuWorker = await start(
      'ollama-worker',
      {
        nats: natsSection('worker', [leaf.url]),
        backends: [backend],
        workers: { ollama: { refresh_interval_ms: 1_000, heartbeat_interval_ms: 250 } },
      },
      'gpu-worker',
    );
    await waitFor(() => listsModel(GPU_MODEL), {
      timeoutMs: 20_000,
      intervalMs: 200,
      description: 'the gateway to list the GPU host model',
    });
    expect(await ask(GPU_MODEL)).toBe(expectedCompletion({ model: GPU_MODEL, messages }).text);
    expect(await connectedUsers(leaf)).toEqual(['worker']);
    expect(gpuWorker.logs().filter((line) => JSON.stringify(line).includes('ermission'))).toEqual(
      [],
    );
  });

  it('keeps answering when the spare node stops', async () => {
    await spareNode.stop();
    expect(await ask()).toBe(expected);
  });

  it('reconnects the gateway to another listed node when its own node stops, and answers again', async () => {
    await gatewayNode.stop();
    await gateway.waitForLog('NATS reconnected', 30_000);
    let answer: string | null | undefined;
    await waitFor(
      async () => {
        answer = await ask().catch(() => undefined);
        return answer !== undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'an answer after the reconnect' },
    );
    expect(answer).toBe(expected);
    expect(await connectedUsers(workerNode)).toContain('gateway');
  }, 60_000);

  it('ran every service without a permission violation', () => {
    for (const service of [gateway, discovery, worker]) {
      const violations = service
        .logs()
        .filter((line) => JSON.stringify(line).toLowerCase().includes('permission'));
      expect(violations).toEqual([]);
    }
  });
});
