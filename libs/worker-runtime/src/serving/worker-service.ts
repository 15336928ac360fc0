import { Svcm, type Service } from '@nats-io/services';
import {
  encodeModelToken,
  INFERENCE_OPERATIONS,
  type BackendKind,
  type InferenceOperation,
  type ModelCapability,
  type ModelDetails,
  type Subjects,
  workerEndpointMetadata,
  workerServiceMetadata,
  workerServiceName,
} from '@switchyard/contracts';
import type { NatsConnection, RequestMessage } from '@switchyard/nats';
import type { SubjectStatsData } from './inference-stats.js';

export interface WorkerServiceOptions {
  nc: NatsConnection;
  subjects: Subjects;
  kind: BackendKind;
  version: string;
  workerId: string;
  /** The `data` of an endpoint's `$SRV.STATS` entry. */
  statsOf(subject: string): SubjectStatsData;
  /** What a model can do, published in its endpoints' metadata for the gateway's listings. */
  capabilitiesOf(model: string): readonly ModelCapability[];
  /** What its backends say of a model's family, format, size and quantization, likewise. */
  detailsOf(model: string): ModelDetails;
  /** The model a served name is only an alias of, published so listings show each model once. */
  aliasOf(model: string): string | undefined;
}

/** Serves one request message that arrived on `subject`, one of `model`'s. */
export type ServeRequest = (
  operation: InferenceOperation,
  subject: string,
  model: string,
) => (msg: RequestMessage) => void;

/**
 * Registers the worker as the NATS micro service `<kind>-worker` whose endpoints are the request
 * subjects of `models`: every operation, plain and pinned to the kind, all in the workers' queue
 * group. Each endpoint is named `<operation>_<model token>[_<kind>]` and reports its model, its
 * operation, the model's capabilities (comma-separated) and details in its metadata, and
 * `alias_of` when the name is only an alias of another served model.
 */
export async function addWorkerService(
  options: WorkerServiceOptions,
  models: readonly string[],
  serve: ServeRequest,
): Promise<Service> {
  const { nc, subjects, kind } = options;
  const connection = releasableConnection(nc);
  const service = await new Svcm(connection.nc).add({
    name: workerServiceName(kind),
    version: options.version,
    description: `Serves the models of ${kind} backends over the Switchyard protocol`,
    queue: subjects.workerQueue,
    metadata: workerServiceMetadata(kind, options.workerId, subjects.prefix),
    statsHandler: async (endpoint) => options.statsOf(endpoint.subject),
  });
  for (const model of models) {
    const token = encodeModelToken(model);
    const metadata = modelEndpointMetadata(options, model);
    for (const operation of INFERENCE_OPERATIONS) {
      for (const [name, subject] of [
        [`${operation}_${token}`, subjects.inference(operation, model)],
        [`${operation}_${token}_${kind}`, subjects.inference(operation, model, kind)],
      ] as const) {
        const handle = serve(operation, subject, model);
        service.addEndpoint(name, {
          subject,
          metadata: Object.assign({}, metadata, { operation }),
          handler: (error, msg) => {
            if (error === null) handle(msg);
          },
        });
      }
    }
  }
  void service.stopped.then(connection.release, connection.release);
  return service;
}

/** What waits for a connection to close: one entry per service not yet stopped. */
const closeWaiters = new WeakMap<NatsConnection, Set<(outcome: void | Error) => void>>();

/**
 * The connection as the micro-service library sees it, but with a `closed()` of its own. Each
 * service the library makes waits on `nc.closed()` to close with the connection, and a promise
 * keeps what waits on it: every service a worker ever registered (anew whenever its model set
 * changes: a pull, a delete, a backend that went away and came back) would stay in memory with
 * its endpoints, subscriptions and stats until the connection closed, some 70 kB each with five
 * models. Here one wait on the real connection settles the services still running, and `release`
 * (once the service stopped) drops this one's, so nothing holds a stopped service.
 */
function releasableConnection(nc: NatsConnection): { nc: NatsConnection; release: () => void } {
  let waiters = closeWaiters.get(nc);
  if (waiters === undefined) {
    const all = new Set<(outcome: void | Error) => void>();
    const settle = (outcome: void | Error): void => {
      for (const waiter of all) waiter(outcome);
      all.clear();
    };
    void nc.closed().then(settle, settle);
    closeWaiters.set(nc, all);
    waiters = all;
  }
  let settle: (outcome: void | Error) => void = () => undefined;
  const closed = new Promise<void | Error>((resolve) => (settle = resolve));
  waiters.add(settle);
  const own = waiters;
  const view = new Proxy(nc, {
    get(target, property) {
      if (property === 'closed') return () => closed;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  return { nc: view, release: () => void own.delete(settle) };
}

/** What every endpoint of a served model publishes besides its operation (see contracts). */
export function modelEndpointMetadata(
  source: Pick<WorkerServiceOptions, 'capabilitiesOf' | 'detailsOf' | 'aliasOf'>,
  model: string,
): Record<string, string> {
  return workerEndpointMetadata({
    model,
    capabilities: source.capabilitiesOf(model),
    details: source.detailsOf(model),
    aliasOf: source.aliasOf(model),
  });
}
