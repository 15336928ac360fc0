import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import {
  Subjects,
  SwitchyardError,
  type ManagementCommandName,
  type ModelInfo,
} from '@switchyard/contracts';
import {
  connectNats,
  RequestStreamClient,
  silentLogger,
  type NatsConnection,
  type StreamFrame,
} from '@switchyard/nats';
import { startNatsServer, type NatsServer } from '@switchyard/testing';
import type { BackendAdapter, BackendEndpoint, GenerationEvent } from '../src/backend-adapter.js';
import { BackendHttpClient } from '../src/http/backend-http.client.js';
import type { BackendManagement } from '../src/management/backend-management.js';
import { WorkerManagement } from '../src/management/worker-management.js';
import { WorkerRuntime } from '../src/serving/worker-runtime.js';

/**
 * A worker runtime and its management in this process, in front of a real simulator, behind a
 * real nats-server. The adapter lists models through the simulator's `/_sim/models` (over HTTP)
 * and answers chats with one fixed delta, so these tests exercise the runtime, not a backend kind;
 * each test hands in the management operations it needs.
 */
export class SimAdminAdapter implements BackendAdapter {
  readonly kind = 'vllm' as const;
  readonly defaultMaxConcurrency = 4;
  readonly http = new BackendHttpClient();

  constructor(readonly management?: BackendManagement) {}

  async listModels(endpoint: BackendEndpoint, signal: AbortSignal): Promise<ModelInfo[]> {
    const answer = (await this.http.json(endpoint, { path: '/_sim/models', signal })) as {
      models: { name: string; state: string }[];
    };
    return answer.models.map(({ name, state }) => ({
      name,
      type: 'chat',
      loaded: state === 'loaded',
    }));
  }

  async *chat(_endpoint: BackendEndpoint, request: { model: string }) {
    yield* answer(request.model);
  }

  async *complete(_endpoint: BackendEndpoint, request: { model: string }) {
    yield* answer(request.model);
  }

  // eslint-disable-next-line require-yield
  async *embed(): AsyncGenerator<GenerationEvent> {
    throw new SwitchyardError('unsupported', 'no embeddings here');
  }

  /** Installs a model on the simulator, as a pull would. */
  async install(endpoint: BackendEndpoint, name: string, signal: AbortSignal): Promise<void> {
    await this.http.json(endpoint, { path: '/_sim/models', json: { name }, signal });
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

async function* answer(model: string): AsyncGenerator<GenerationEvent> {
  yield { type: 'delta', text: `served ${model}` };
  yield { type: 'end', finish_reason: 'stop', usage: { prompt_tokens: 1, completion_tokens: 2 } };
}

export interface ManagementBedOptions {
  management?: BackendManagement;
  allowPulls?: boolean;
  heartbeatIntervalMs?: number;
}

let requestCount = 0;

/** A fresh request id, unique within the test process. */
export function nextId(): string {
  return `mgmt-${process.pid}-${++requestCount}`;
}

export class ManagementBed {
  readonly subjects = new Subjects();
  readonly backendId = 'sim-1';
  readonly endpoint: BackendEndpoint;
  readonly runtime: WorkerRuntime;
  readonly management: WorkerManagement;
  readonly client: RequestStreamClient;

  private constructor(
    readonly nats: NatsServer,
    readonly sim: RunningSimulator,
    readonly workerNc: NatsConnection,
    readonly callerNc: NatsConnection,
    readonly adapter: SimAdminAdapter,
    options: ManagementBedOptions,
  ) {
    this.endpoint = { id: this.backendId, url: sim.url };
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1_000;
    this.runtime = new WorkerRuntime({
      nc: workerNc,
      subjects: this.subjects,
      adapter,
      endpoints: [{ ...this.endpoint, queueSize: 8, queueTimeoutMs: 5_000 }],
      // Long enough that only the refresh a command triggers can explain a change in a test.
      refreshIntervalMs: 10 * 60_000,
      heartbeatIntervalMs,
      defaultTimeoutMs: 10_000,
      maxRequestBytes: 64 * 1024,
      version: '0.0.0-test',
      logger: silentLogger,
      workerId: 'management-test-worker',
    });
    this.management = new WorkerManagement({
      nc: workerNc,
      subjects: this.subjects,
      adapter,
      endpoints: [this.endpoint],
      refresh: () => this.runtime.refresh(),
      heartbeatIntervalMs,
      defaultTimeoutMs: 10_000,
      workerId: this.runtime.workerId,
      logger: silentLogger,
      ...(options.allowPulls === undefined ? {} : { allowPulls: options.allowPulls }),
    });
    this.client = new RequestStreamClient(callerNc, {
      subjects: this.subjects,
      idleTimeoutMs: 5_000,
    });
  }

  static async start(options: ManagementBedOptions = {}): Promise<ManagementBed> {
    const nats = await startNatsServer({ jetstream: false });
    const sim = await startSimulator({
      kind: 'vllm',
      models: ['base-model'],
      tokensPerSecond: 0,
      loadMs: 0,
    });
    const config = { servers: [nats.url] };
    const workerNc = await connectNats(config, { name: 'management-worker' });
    const callerNc = await connectNats(config, { name: 'management-caller' });
    const adapter = new SimAdminAdapter(options.management);
    const bed = new ManagementBed(nats, sim, workerNc, callerNc, adapter, options);
    await bed.runtime.start();
    await bed.management.start();
    return bed;
  }

  /** Sends a command and waits for the whole answer. */
  command(command: ManagementCommandName, body: Record<string, unknown> = {}, timeoutMs = 5_000) {
    const subject = this.subjects.management(this.backendId, command);
    return this.client.collect(subject, { id: nextId(), timeout_ms: timeoutMs, ...body });
  }

  /** Sends a command and reads every frame the caller sees, in order. */
  async frames(command: ManagementCommandName, body: Record<string, unknown> = {}) {
    const subject = this.subjects.management(this.backendId, command);
    const frames: StreamFrame[] = [];
    for await (const frame of this.client.stream(subject, {
      id: nextId(),
      timeout_ms: 5_000,
      ...body,
    })) {
      frames.push(frame);
    }
    return frames;
  }

  /** A chat on a model's inference subject, answered by the adapter's fixed text. */
  chat(model: string) {
    return this.client.collect(this.subjects.chat(model), {
      id: nextId(),
      timeout_ms: 5_000,
      model,
      messages: [{ role: 'user', content: 'hi' }],
    } as { id: string; timeout_ms: number });
  }

  async close(): Promise<void> {
    await Promise.all([this.runtime.stop({ graceMs: 0 }), this.management.stop({ graceMs: 0 })]);
    await this.adapter.close();
    await Promise.all([this.workerNc.close(), this.callerNc.close()]);
    await this.sim.close();
    await this.nats.stop();
  }
}

export { rejectionOf } from '@switchyard/testing';
