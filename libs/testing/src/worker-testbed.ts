import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Subjects, type BackendKind } from '@switchyard/contracts';
import { startNatsServer, type NatsServer } from './nats-server.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

/** A backend server a test started (a simulator, as a rule). */
export interface TestBackend {
  /** Base URL without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

/** A worker running inside the test's own process. */
export interface InProcessWorker {
  start(): Promise<void>;
  stop(options: { graceMs: number }): Promise<void>;
}

/** One backend endpoint as a worker is configured with it. */
export interface TestEndpoint {
  id: string;
  url: string;
  maxConcurrency?: number;
  queueSize: number;
  queueTimeoutMs: number;
}

/** Everything an in-process worker is built from; the kind's spec adds its adapter. */
export interface InProcessWorkerOptions {
  nc: NatsConnection;
  subjects: Subjects;
  endpoints: TestEndpoint[];
  workerId: string;
  refreshIntervalMs: number;
  heartbeatIntervalMs: number;
  defaultTimeoutMs: number;
  maxRequestBytes: number;
  version: string;
}

/** What a test may set of the adapter a worker is built with. */
export interface AdapterSettings {
  maxResponseBytes?: number;
}

/** How a testbed's workers run; every field has a test-friendly default. */
export interface TestWorkerSettings {
  refreshIntervalMs: number;
  heartbeatIntervalMs: number;
  /** The deadline of a request that names none. */
  defaultTimeoutMs: number;
  maxRequestBytes: number;
  /** Per endpoint; absent means the adapter's default. */
  maxConcurrency?: number;
  /** The largest backend body the adapter reads whole; absent means the adapter's default. */
  maxResponseBytes?: number;
  queueSize: number;
  queueTimeoutMs: number;
  /** Worker processes only: `shutdown.grace_ms`. */
  graceMs: number;
}

/** Short enough that a test never waits long for a refresh or a heartbeat. */
export const TEST_WORKER_SETTINGS: Readonly<TestWorkerSettings> = {
  refreshIntervalMs: 200,
  heartbeatIntervalMs: 100,
  defaultTimeoutMs: 15_000,
  maxRequestBytes: 512 * 1024,
  queueSize: 64,
  queueTimeoutMs: 10_000,
  graceMs: 5_000,
};

/**
 * What differs between the worker kinds, handed in by each worker app's tests (through
 * `defineWorkerKind`), so the testbed itself stays free of the simulator and the worker runtime:
 * it only calls what it is handed.
 */
export interface WorkerKindSpec<BackendOptions, Backend extends TestBackend, Worker, Client> {
  kind: BackendKind;
  /** The worker app's built entry point (`dist/main.js`), for tests that need a real process. */
  entry: string;
  startBackend(options: BackendOptions): Promise<Backend>;
  /** Builds (does not start) a worker; `dispose` releases what it holds once it has stopped. */
  createWorker(
    options: InProcessWorkerOptions,
    adapter: AdapterSettings,
  ): {
    worker: Worker & InProcessWorker;
    dispose?: () => Promise<void>;
  };
  createClient(nc: NatsConnection, options: { subjects: Subjects; idleTimeoutMs: number }): Client;
}

export interface WorkerTestbedOptions<BackendOptions> {
  /** One backend per entry; default one backend with the spec's defaults. */
  backends?: BackendOptions[];
  /** The first in-process worker, in front of every backend; `false` starts none. */
  worker?: Partial<TestWorkerSettings> | false;
  /** The caller's idle timeout (no frame at all for this long fails the stream). */
  idleTimeoutMs?: number;
}

/**
 * A real nats-server of its own, the backends, the workers in front of them and a caller's
 * connection and client: the whole path a request takes, started for one test file and closed
 * by `close()` in reverse order (workers first, so nothing outlives what it talks to).
 */
export class WorkerTestbed<BackendOptions, Backend extends TestBackend, Worker, Client> {
  readonly subjects = new Subjects();
  readonly backends: Backend[] = [];
  readonly workers: Worker[] = [];
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  private workerCount = 0;
  /** A request-stream client on the caller's connection. */
  readonly client: Client;

  private constructor(
    private readonly spec: WorkerKindSpec<BackendOptions, Backend, Worker, Client>,
    readonly nats: NatsServer,
    /** The caller's connection, apart from every worker's. */
    readonly callerNc: NatsConnection,
    idleTimeoutMs: number,
  ) {
    this.client = spec.createClient(callerNc, { subjects: this.subjects, idleTimeoutMs });
  }

  static async start<BackendOptions, Backend extends TestBackend, Worker, Client>(
    spec: WorkerKindSpec<BackendOptions, Backend, Worker, Client>,
    options: WorkerTestbedOptions<BackendOptions> = {},
  ): Promise<WorkerTestbed<BackendOptions, Backend, Worker, Client>> {
    const nats = await startNatsServer({ jetstream: false });
    let callerNc: NatsConnection;
    try {
      callerNc = await connect({ servers: nats.url, name: 'test-caller' });
    } catch (error) {
      await nats.stop();
      throw error;
    }
    const bed = new WorkerTestbed(spec, nats, callerNc, options.idleTimeoutMs ?? 5_000);
    try {
      for (const backend of options.backends ?? [{} as BackendOptions]) {
        await bed.startBackend(backend);
      }
      if (options.worker !== false) await bed.startWorker(bed.backends, options.worker);
    } catch (error) {
      await bed.close();
      throw error;
    }
    return bed;
  }

  get kind(): BackendKind {
    return this.spec.kind;
  }

  /** The first backend. */
  get backend(): Backend {
    return this.first(this.backends, 'backend');
  }

  /** The first in-process worker. */
  get worker(): Worker {
    return this.first(this.workers, 'worker');
  }

  async startBackend(options: BackendOptions): Promise<Backend> {
    const backend = await this.spec.startBackend(options);
    this.backends.push(backend);
    this.cleanups.push(() => backend.close());
    return backend;
  }

  /**
   * Starts another in-process worker (a replica) on a connection of its own, in front of
   * `backends`, and resolves once the NATS server knows its subscriptions.
   */
  async startWorker(
    backends: readonly Backend[] = this.backends,
    overrides: Partial<TestWorkerSettings> = {},
  ): Promise<Worker> {
    const settings = { ...TEST_WORKER_SETTINGS, ...overrides };
    const workerId = `${this.kind}-test-${++this.workerCount}`;
    const nc = await this.connect(workerId);
    const { worker, dispose } = this.spec.createWorker(
      {
        nc,
        subjects: this.subjects,
        endpoints: this.endpointsOf(backends, settings),
        workerId,
        refreshIntervalMs: settings.refreshIntervalMs,
        heartbeatIntervalMs: settings.heartbeatIntervalMs,
        defaultTimeoutMs: settings.defaultTimeoutMs,
        maxRequestBytes: settings.maxRequestBytes,
        version: '0.0.0-test',
      },
      settings.maxResponseBytes === undefined
        ? {}
        : { maxResponseBytes: settings.maxResponseBytes },
    );
    this.cleanups.push(async () => {
      await worker.stop({ graceMs: 0 });
      await dispose?.();
    });
    await worker.start();
    await nc.flush();
    this.workers.push(worker);
    return worker;
  }

  /**
   * Starts the worker app's build as a child process, configured by environment variables the
   * way an operator would (`env` adds to them, and wins), and resolves once it logs that it
   * started.
   */
  async startWorkerProcess(
    backends: readonly Backend[] = this.backends,
    overrides: Partial<TestWorkerSettings> = {},
    env: Readonly<Record<string, string>> = {},
  ): Promise<ServiceProcess> {
    const settings = { ...TEST_WORKER_SETTINGS, ...overrides };
    const section = `SWITCHYARD_WORKERS__${this.kind.toUpperCase()}`;
    const backendsConfig = this.endpointsOf(backends, settings).map((endpoint) => ({
      id: endpoint.id,
      kind: this.kind,
      url: endpoint.url,
      max_concurrency: endpoint.maxConcurrency,
      queue_size: endpoint.queueSize,
      queue_timeout_ms: endpoint.queueTimeoutMs,
    }));
    const child = startServiceProcess(this.spec.entry, {
      env: {
        SWITCHYARD_NATS__SERVERS: this.nats.url,
        SWITCHYARD_BACKENDS: JSON.stringify(backendsConfig),
        [`${section}__REFRESH_INTERVAL_MS`]: String(settings.refreshIntervalMs),
        [`${section}__HEARTBEAT_INTERVAL_MS`]: String(settings.heartbeatIntervalMs),
        SWITCHYARD_GATEWAY__REQUEST_TIMEOUT_MS: String(settings.defaultTimeoutMs),
        SWITCHYARD_SHUTDOWN__GRACE_MS: String(settings.graceMs),
        ...env,
      },
    });
    this.cleanups.push(() => child.stop('SIGKILL'));
    await child.waitForLog(`${this.kind}-worker started`);
    return child;
  }

  /** A NATS connection of the test's own, closed with the testbed. */
  async connect(name: string): Promise<NatsConnection> {
    const nc = await connect({ servers: this.nats.url, name });
    this.cleanups.push(() => nc.close());
    return nc;
  }

  /** The endpoint id a backend gets in workers' configurations: `<kind>-<position>`. */
  endpointId(backend: Backend): string {
    const index = this.backends.indexOf(backend);
    if (index < 0) throw new Error('the backend was not started by this testbed');
    return `${this.kind}-${index}`;
  }

  /** Stops everything the testbed started, last started first; safe to call twice. */
  async close(): Promise<void> {
    const cleanups = this.cleanups.splice(0).reverse();
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    if (!this.callerNc.isClosed()) await this.callerNc.close();
    await this.nats.stop();
  }

  private endpointsOf(backends: readonly Backend[], settings: TestWorkerSettings): TestEndpoint[] {
    return backends.map((backend) => ({
      id: this.endpointId(backend),
      url: backend.url,
      queueSize: settings.queueSize,
      queueTimeoutMs: settings.queueTimeoutMs,
      ...(settings.maxConcurrency === undefined ? {} : { maxConcurrency: settings.maxConcurrency }),
    }));
  }

  private first<T>(items: readonly T[], what: string): T {
    const item = items[0];
    if (item === undefined) throw new Error(`the testbed has no ${what}`);
    return item;
  }
}
