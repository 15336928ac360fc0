import { BACKEND_KINDS, type BackendKind } from '../messages/backend-kind.js';
import { DEFAULT_SUBJECT_PREFIX } from '../subjects/subjects.js';
import {
  capabilitiesFromMetadata,
  capabilitiesMetadata,
  type ModelCapability,
} from './model-capabilities.js';
import { detailsFromMetadata, detailsMetadata, type ModelDetails } from './model-details.js';

/**
 * Each worker process is the NATS micro service `<kind>-worker`: `$SRV.INFO` and `$SRV.STATS`
 * name them so, and this is how callers tell workers from other micro services.
 */
export function workerServiceName(kind: BackendKind): string {
  return `${kind}-worker`;
}

/** The backend kind of a worker micro service, or `undefined` for any other service. */
export function workerServiceKind(serviceName: string): BackendKind | undefined {
  return BACKEND_KINDS.find((kind) => workerServiceName(kind) === serviceName);
}

/**
 * What a worker's micro service says of itself in its `$SRV.INFO` metadata: its kind, its id for
 * life, and the subject prefix of its fleet. `$SRV` queries reach every micro service on the
 * NATS account, whatever its prefix, so a listing keeps only the workers of its own.
 */
export function workerServiceMetadata(
  kind: BackendKind,
  workerId: string,
  subjectPrefix: string,
): Record<string, string> {
  return { kind, worker_id: workerId, subject_prefix: subjectPrefix };
}

/** The subject prefix a worker serves under; one that does not say serves under the default. */
export function workerSubjectPrefix(info: {
  metadata?: Readonly<Record<string, string>> | undefined;
}): string {
  return info.metadata?.['subject_prefix'] ?? DEFAULT_SUBJECT_PREFIX;
}

/**
 * The worker process behind a `$SRV.INFO` answer. A worker registers its micro service anew
 * whenever its models change, and NATS gives each registration an instance id of its own; the
 * `worker_id` in its metadata stays the process's for life. Keyed by it, the answer from a new
 * registration replaces the old one's instead of standing beside it as a second worker. A worker
 * that does not say (one of another make) is known by its instance id.
 */
export function workerIdOf(info: {
  id: string;
  metadata?: Readonly<Record<string, string>> | undefined;
}): string {
  return info.metadata?.['worker_id'] ?? info.id;
}

/**
 * What every endpoint of a model a worker serves says of it in its `$SRV.INFO` metadata, besides
 * its operation: the model's name, what it can do, the details its backend gives of it (family,
 * format, size, quantization), and, for a name that is only an alias of
 * another served model (Ollama's bare `llama3.2` for `llama3.2:latest`), that model. Listings
 * show each model once by leaving aliases out; they still route.
 */
export interface WorkerEndpointModel {
  model: string;
  capabilities: readonly ModelCapability[];
  details: ModelDetails;
  aliasOf?: string | undefined;
}

/** The endpoint metadata (micro-service metadata holds strings) of a served model. */
export function workerEndpointMetadata(entry: WorkerEndpointModel): Record<string, string> {
  return {
    model: entry.model,
    capabilities: capabilitiesMetadata(entry.capabilities),
    ...detailsMetadata(entry.details),
    ...(entry.aliasOf === undefined ? {} : { alias_of: entry.aliasOf }),
  };
}

/** The served model an endpoint's metadata describes, or `undefined` for an endpoint without one. */
export function workerEndpointModel(
  metadata: Readonly<Record<string, string>> | undefined,
): WorkerEndpointModel | undefined {
  const model = metadata?.['model'];
  if (model === undefined) return undefined;
  const aliasOf = metadata?.['alias_of'];
  return {
    model,
    capabilities: capabilitiesFromMetadata(metadata?.['capabilities']),
    details: detailsFromMetadata(metadata),
    ...(aliasOf === undefined ? {} : { aliasOf }),
  };
}

/** What one `$SRV.INFO` answer says of a worker process. */
export interface WorkerListing {
  /** The process, whichever registration answered (see {@link workerIdOf}). */
  id: string;
  /** The micro service's name, `<kind>-worker`. */
  name: string;
  kind: BackendKind;
  /** What each endpoint that serves a model says of it; names that are only aliases included. */
  models: WorkerEndpointModel[];
}

/** The parts of a `$SRV.INFO` answer a listing reads: nats.js's `ServiceInfo` fits. */
export interface ServiceInfoAnswer {
  id: string;
  name: string;
  metadata?: Readonly<Record<string, string>> | undefined;
  endpoints?: readonly { metadata?: Readonly<Record<string, string>> | undefined }[] | undefined;
}

/**
 * The worker behind a `$SRV.INFO` answer, or `undefined` for an answer from another micro
 * service or from a worker that names no kind of backend Switchyard knows.
 */
export function workerListingOf(info: ServiceInfoAnswer): WorkerListing | undefined {
  const kind = info.metadata?.['kind'];
  if (workerServiceKind(info.name) === undefined) return undefined;
  if (!(BACKEND_KINDS as readonly (string | undefined)[]).includes(kind)) return undefined;
  const models: WorkerEndpointModel[] = [];
  for (const endpoint of info.endpoints ?? []) {
    const served = workerEndpointModel(endpoint.metadata);
    if (served !== undefined) models.push(served);
  }
  return { id: workerIdOf(info), name: info.name, kind: kind as BackendKind, models };
}
