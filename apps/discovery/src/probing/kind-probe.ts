import type { BackendKind, ModelInfo } from '@switchyard/contracts';
import type { HttpProber, ProbeResponse } from './http-prober.js';
import { FailedCheckError, UnrecognisedServerError } from './probe-errors.js';

/** Where and how to reach one endpoint. */
export interface ProbeTarget {
  url: string;
  apiKey?: string;
  signal?: AbortSignal;
}

/** What the full inspection of a backend found. */
export interface BackendInspection {
  version?: string;
  models: ModelInfo[];
  /** The slowest single request of the inspection. */
  latencyMs: number;
}

/**
 * How discovery talks to one kind of backend. `inspect` decides what answered (fingerprint) and
 * lists its models; `check` is the cheap liveness request made between inspections. Both throw
 * `ProbeError` (no usable answer), `UnrecognisedServerError` (something else answered) or
 * `FailedCheckError` (the right server, but failing).
 */
export interface KindProbe {
  readonly kind: BackendKind;
  check(http: HttpProber, target: ProbeTarget): Promise<number>;
  inspect(http: HttpProber, target: ProbeTarget): Promise<BackendInspection>;
}

/** A request that a recognised server answers 200; 5xx is a failing server, anything else a stranger. */
export async function getOk(
  http: HttpProber,
  target: ProbeTarget,
  path: string,
): Promise<ProbeResponse & { json: unknown }> {
  const response = await http.getJson(target.url, path, {
    ...(target.signal ? { signal: target.signal } : {}),
    ...(target.apiKey ? { apiKey: target.apiKey } : {}),
  });
  if (response.status >= 500) {
    throw new FailedCheckError(`GET ${path} answered ${response.status}`);
  }
  if (response.status !== 200) {
    throw new UnrecognisedServerError(`GET ${path} answered ${response.status}`);
  }
  return response;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
