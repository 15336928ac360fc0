import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import {
  resolveConfig,
  Subjects,
  SwitchyardError,
  type RegistryEntry,
} from '@switchyard/contracts';
import { ConnectionWatch, RequestStreamClient } from '@switchyard/nats';
import { createLogger } from '@switchyard/service';
import {
  type NatsServer,
  SCHEDULING_SLACK_MS,
  startNatsServer,
  waitFor,
} from '@switchyard/testing';
import { WorkerLifecycle } from '@switchyard/worker-runtime';
import { OllamaAdapter } from '../src/index.js';

// A worker with no configured backend serves the Ollama backends discovery lists as healthy in
// the registry bucket, and stops serving them when they turn offline or leave it.

const MODEL = 'llama3.2:latest';
const subjects = new Subjects();

describe('backends from the fleet registry', () => {
  let nats: NatsServer;
  let sim: RunningSimulator;
  let workerNc: NatsConnection;
  let callerNc: NatsConnection;
  let lifecycle: WorkerLifecycle;
  let client: RequestStreamClient;
  let requests = 0;

  const chat = () => {
    const request = {
      id: `registry-${++requests}`,
      model: MODEL,
      messages: [{ role: 'user', content: 'Hi' }],
      timeout_ms: 5_000,
    };
    return client.collect(subjects.chat(MODEL), request);
  };

  const outcome = async (): Promise<string> => {
    try {
      await chat();
      return 'answered';
    } catch (error) {
      return error instanceof SwitchyardError ? error.code : String(error);
    }
  };

  const entry = (overrides: Partial<RegistryEntry>): RegistryEntry => ({
    id: 'ollama-found',
    kind: 'ollama',
    url: sim.url,
    state: 'healthy',
    models: [{ name: MODEL, type: 'chat', loaded: false }],
    latencies_ms: [1],
    consecutive_failures: 0,
    checked_at: new Date().toISOString(),
    ...overrides,
  });

  beforeAll(async () => {
    nats = await startNatsServer();
    sim = await startSimulator({ kind: 'ollama', tokensPerSecond: 0, loadMs: 0 });
    workerNc = await connect({ servers: nats.url, name: 'ollama-worker' });
    callerNc = await connect({ servers: nats.url, name: 'caller' });
    client = new RequestStreamClient(callerNc, { subjects, idleTimeoutMs: 5_000 });
    const config = resolveConfig({
      backends: [],
      workers: { ollama: { refresh_interval_ms: 200, heartbeat_interval_ms: 200 } },
      shutdown: { grace_ms: 500 },
    });
    const logger = createLogger({
      service: 'ollama-worker',
      config: { level: 'silent', format: 'json' },
    });
    lifecycle = new WorkerLifecycle(
      new OllamaAdapter(),
      workerNc,
      subjects,
      config,
      logger,
      new ConnectionWatch(workerNc),
    );
    await lifecycle.onApplicationBootstrap();
  });

  afterAll(async () => {
    await lifecycle?.beforeApplicationShutdown();
    await workerNc?.close();
    await callerNc?.close();
    await sim?.close();
    await nats?.stop();
  });

  it('serves a healthy backend of its kind once discovery lists it, ignoring other kinds', async () => {
    expect(await outcome()).toBe('no_responders');

    // The bucket appears after the worker started, as when discovery starts later.
    const kv = await new Kvm(callerNc).create(subjects.registryBucket);
    await kv.put('vllm-elsewhere', JSON.stringify(entry({ id: 'vllm-elsewhere', kind: 'vllm' })));
    await kv.put('ollama-found', JSON.stringify(entry({})));

    await waitFor(async () => (await outcome()) === 'answered', {
      timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      description: 'the listed backend to be served',
    });
    expect(lifecycle.runtime.models).toEqual(expect.arrayContaining([MODEL]));
    expect(sim.stats().received).toBeGreaterThan(0);
  });

  it('stops serving a backend that turns offline or leaves the registry', async () => {
    const kv = await new Kvm(callerNc).open(subjects.registryBucket);

    await kv.put('ollama-found', JSON.stringify(entry({ state: 'offline' })));
    await waitFor(async () => (await outcome()) === 'no_responders', {
      timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      description: 'the offline backend to be dropped',
    });

    await kv.put('ollama-found', JSON.stringify(entry({})));
    await waitFor(async () => (await outcome()) === 'answered', {
      timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      description: 'the backend to be served again',
    });

    await kv.delete('ollama-found');
    await waitFor(async () => (await outcome()) === 'no_responders', {
      timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      description: 'the removed backend to be dropped',
    });
  });
});
