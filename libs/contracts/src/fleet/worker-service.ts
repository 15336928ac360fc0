import { BACKEND_KINDS, type BackendKind } from '../messages/backend-kind.js';

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
