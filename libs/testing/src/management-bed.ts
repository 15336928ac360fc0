import {
  resolveConfig,
  Subjects,
  type BackendKind,
  type ManagementCommandName,
  type ReplyFrame,
  type SwitchyardConfig,
  type SwitchyardConfigInput,
} from '@switchyard/contracts';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, type NatsServer } from './nats-server.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

// A worker in front of a simulator, behind a nats-server of its own, wired as the app wires it:
// in this process through the app's `WorkerLifecycle` and adapter (fast), or as the built app
// configured by environment variables (the whole real path, for the tests that need it). The
// app supplies what is its own (adapter, simulator, entry), so this library imports neither.

/** The simulator as the bed uses it. */
export interface BedBackend {
  readonly url: string;
  close(): Promise<void>;
}

/** What a worker app hands to {@link defineManagementBed}. */
export interface ManagementBedKind<SimOptions, Sim extends BedBackend> {
  kind: BackendKind;
  /** The id the bed gives the backend; commands go to its subjects. */
  backendId: string;
  /** The app's built `main.js`. */
  entry: string;
  startSimulator(options: SimOptions & { kind: BackendKind }): Promise<Sim>;
  /** The app's `WorkerLifecycle` with its adapter, on a connection, with a configuration. */
  createLifecycle(
    nc: NatsConnection,
    config: SwitchyardConfig,
  ): { onApplicationBootstrap(): Promise<void>; beforeApplicationShutdown(): Promise<void> };
  /** `RequestStreamClient` from @switchyard/nats (handed in: this library must not depend on it). */
  RequestStreamClient: new (
    nc: NatsConnection,
    options: { subjects: Subjects; idleTimeoutMs: number },
  ) => BedClient;
}

/** The part of `RequestStreamClient` the bed uses. */
export interface BedClient {
  collect(subject: string, request: { id: string; timeout_ms?: number }): Promise<BedResult>;
  stream(subject: string, request: { id: string; timeout_ms?: number }): AsyncIterable<ReplyFrame>;
}

/** What `RequestStreamClient.collect` resolves with. */
export interface BedResult {
  start: ReplyFrame & { type: 'start' };
  deltas: (ReplyFrame & { type: 'delta' })[];
  end: ReplyFrame & { type: 'end' };
  text: string;
}

// Only the refresh a command triggers can make a change visible within a test.
const REFRESH_INTERVAL_MS = 600_000;
const HEARTBEAT_INTERVAL_MS = 200;

let requestCount = 0;

export function nextId(): string {
  return `mgmt-${process.pid}-${++requestCount}`;
}

export interface ManagementBedOptions {
  /** Run the built app as a child process instead of its lifecycle in this process. */
  process?: boolean;
  /** In this process only: configuration sections besides `backends` and `workers`. */
  config?: Omit<SwitchyardConfigInput, 'backends' | 'workers'>;
}

export interface ManagementBed<Sim> {
  readonly nats: NatsServer;
  readonly sim: Sim;
  /** The worker process, when the bed runs one. */
  readonly worker: ServiceProcess | undefined;
  readonly subjects: Subjects;
  readonly client: BedClient;
  /** Sends a command to the backend and waits for the whole answer. */
  command(command: ManagementCommandName, body?: Record<string, unknown>): Promise<BedResult>;
  /** Sends a command and reads every frame the caller sees, in order. */
  frames(command: ManagementCommandName, body?: Record<string, unknown>): Promise<ReplyFrame[]>;
  /** A short chat on the model's inference subject. */
  chat(model: string): Promise<BedResult>;
  close(): Promise<void>;
}

/** The app's `startManagementBed(simOptions?, options?)`. */
export function defineManagementBed<SimOptions, Sim extends BedBackend>(
  spec: ManagementBedKind<SimOptions, Sim>,
): (sim?: Partial<SimOptions>, options?: ManagementBedOptions) => Promise<ManagementBed<Sim>> {
  return (sim = {}, options = {}) => startManagementBed(spec, sim, options);
}

async function startManagementBed<SimOptions, Sim extends BedBackend>(
  spec: ManagementBedKind<SimOptions, Sim>,
  sim: Partial<SimOptions>,
  options: ManagementBedOptions,
): Promise<ManagementBed<Sim>> {
  const { kind: KIND, backendId: BACKEND_ID, entry: ENTRY } = spec;
  const nats = await startNatsServer({ jetstream: false });
  const cleanups: (() => Promise<unknown>)[] = [() => nats.stop()];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const backend = await spec.startSimulator({
      kind: KIND,
      tokensPerSecond: 0,
      loadMs: 0,
      pullMs: 40,
      ...sim,
    } as unknown as SimOptions & { kind: BackendKind });
    cleanups.push(() => backend.close());
    const backends = [{ id: BACKEND_ID, kind: KIND, url: backend.url }];
    let worker: ServiceProcess | undefined;
    if (options.process) {
      const section = `SWITCHYARD_WORKERS__${KIND.toUpperCase()}`;
      worker = startServiceProcess(ENTRY, {
        env: {
          SWITCHYARD_NATS__SERVERS: nats.url,
          SWITCHYARD_BACKENDS: JSON.stringify(backends),
          [`${section}__REFRESH_INTERVAL_MS`]: String(REFRESH_INTERVAL_MS),
          [`${section}__HEARTBEAT_INTERVAL_MS`]: String(HEARTBEAT_INTERVAL_MS),
          SWITCHYARD_SHUTDOWN__GRACE_MS: '1000',
        },
      });
      const child = worker;
      cleanups.push(() => child.stop('SIGTERM'));
      await worker.waitForLog(`${KIND}-worker started`);
    } else {
      const config = resolveConfig({
        ...options.config,
        backends,
        workers: {
          [KIND]: {
            refresh_interval_ms: REFRESH_INTERVAL_MS,
            heartbeat_interval_ms: HEARTBEAT_INTERVAL_MS,
          },
        },
        shutdown: { grace_ms: 1_000 },
      });
      const workerNc = await connect({ servers: nats.url, name: `${KIND}-worker` });
      cleanups.push(() => workerNc.close());
      const lifecycle = spec.createLifecycle(workerNc, config);
      await lifecycle.onApplicationBootstrap();
      cleanups.push(() => lifecycle.beforeApplicationShutdown());
    }
    const nc = await connect({ servers: nats.url, name: 'caller' });
    cleanups.push(() => nc.close());
    const subjects = new Subjects();
    const client = new spec.RequestStreamClient(nc, { subjects, idleTimeoutMs: 5_000 });
    const request = (body: Record<string, unknown>) => ({
      id: nextId(),
      timeout_ms: 10_000,
      ...body,
    });
    return {
      nats,
      sim: backend,
      worker,
      subjects,
      client,
      command: (command, body = {}) =>
        client.collect(subjects.management(BACKEND_ID, command), request(body)),
      frames: async (command, body = {}) => {
        const frames: ReplyFrame[] = [];
        const stream = client.stream(subjects.management(BACKEND_ID, command), request(body));
        for await (const frame of stream) frames.push(frame);
        return frames;
      },
      chat: (model) =>
        client.collect(
          subjects.chat(model),
          request({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 }),
        ),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
