import type { NatsConnection } from '@nats-io/transport-node';
import type { BackendKind, Subjects } from '@switchyard/contracts';
import {
  WorkerTestbed,
  type AdapterSettings,
  type InProcessWorker,
  type InProcessWorkerOptions,
  type WorkerTestbedOptions,
} from '../worker-testbed.js';
import type {
  ConformanceBed,
  ConformanceClient,
  KindQuirks,
  PlannedAnswer,
  SimulatedBackend,
  SimulatedBackendOptions,
  WorkerKindProfile,
} from './conformance-profile.js';

/** The backend simulator's entry points a kind's tests use (`@switchyard/backend-sim`). */
export interface SimulatorPackage<Backend> {
  startSimulator(options: { kind: BackendKind } & SimulatedBackendOptions): Promise<Backend>;
  /** Takes the simulator's own query type; the scenarios pass plain data of that shape. */
  expectedCompletion(query: never): PlannedAnswer;
  expectedEmbedding(query: { model: string; text: string }): Float32Array;
  countTokens(text: string): number;
}

/** Everything that makes one worker kind testable, handed in by the worker app's tests. */
export interface WorkerKindParts<Backend, Worker, Client, Adapter, Logger> {
  kind: BackendKind;
  name: string;
  models: WorkerKindProfile['models'];
  quirks: KindQuirks;
  /** The worker app's built entry point (`dist/main.js`), for tests that need a process. */
  entry: string;
  simulator: SimulatorPackage<Backend>;
  /** Options every simulator of the kind starts with (on top of no delays at all). */
  backendDefaults?: SimulatedBackendOptions;
  /** The simulators a testbed starts when a test names none; default one. */
  defaultBackends?: SimulatedBackendOptions[];
  createAdapter(settings: AdapterSettings): Adapter & { close?(): Promise<void> };
  WorkerRuntime: new (
    options: InProcessWorkerOptions & { adapter: Adapter; logger: Logger },
  ) => Worker & InProcessWorker;
  RequestStreamClient: new (
    nc: NatsConnection,
    options: { subjects: Subjects; idleTimeoutMs: number },
  ) => Client;
  logger: Logger;
}

/** A worker kind, ready for the conformance scenarios and for tests of its own. */
export interface SimulatedWorkerKind<
  Backend extends SimulatedBackend,
  Worker extends ConformanceBed['worker'],
  Client extends ConformanceClient,
> extends WorkerKindProfile {
  start(
    options?: WorkerTestbedOptions<SimulatedBackendOptions>,
  ): Promise<WorkerTestbed<SimulatedBackendOptions, Backend, Worker, Client>>;
}

/**
 * Puts a worker kind together from its parts: simulators with no delays unless a test asks for
 * them, in-process workers with the kind's adapter, the simulator's answers as the oracle, and
 * the kind's quirks.
 */
export function defineWorkerKind<
  Backend extends SimulatedBackend,
  Worker extends ConformanceBed['worker'],
  Client extends ConformanceClient,
  Adapter,
  Logger,
>(
  parts: WorkerKindParts<Backend, Worker, Client, Adapter, Logger>,
): SimulatedWorkerKind<Backend, Worker, Client> {
  const { kind, simulator } = parts;
  const spec = {
    kind,
    entry: parts.entry,
    startBackend: (options: SimulatedBackendOptions) =>
      simulator.startSimulator({
        kind,
        tokensPerSecond: 0,
        loadMs: 0,
        ...parts.backendDefaults,
        ...options,
      }),
    createWorker: (settings: InProcessWorkerOptions, adapterSettings: AdapterSettings) => {
      const adapter = parts.createAdapter(adapterSettings);
      const worker = new parts.WorkerRuntime({ ...settings, adapter, logger: parts.logger });
      return { worker, dispose: async () => adapter.close?.() };
    },
    createClient: (nc: NatsConnection, options: { subjects: Subjects; idleTimeoutMs: number }) =>
      new parts.RequestStreamClient(nc, options),
  };
  return {
    kind,
    name: parts.name,
    models: parts.models,
    quirks: parts.quirks,
    start: (options = {}) =>
      WorkerTestbed.start(spec, { backends: parts.defaultBackends, ...options }),
    oracle: {
      completion: (query) => simulator.expectedCompletion(query as never),
      embedding: (query) => simulator.expectedEmbedding(query),
      countTokens: (text) => simulator.countTokens(text),
    },
  };
}
