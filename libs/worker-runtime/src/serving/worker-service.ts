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
  const service = await new Svcm(nc).add({
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
  return service;
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
