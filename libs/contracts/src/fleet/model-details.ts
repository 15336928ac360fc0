import type { ModelInfo } from './backend-health.js';

/**
 * What Ollama's listings show of a model under `details` (family, format, parameter size,
 * quantization), where its backend says them: Ollama lists them all, LM Studio all but the
 * size, vLLM none. Each worker publishes them with its model endpoints, so the gateway's
 * `/api/tags` and `/api/ps` can show them for every kind of backend without asking one.
 */
export interface ModelDetails {
  family?: string;
  format?: string;
  parameterSize?: string;
  quantization?: string;
}

/** Endpoint metadata keys (metadata holds strings) of each detail. */
const METADATA_KEYS = {
  family: 'family',
  format: 'format',
  parameterSize: 'parameter_size',
  quantization: 'quantization',
} as const satisfies Record<keyof ModelDetails, string>;

const DETAILS = Object.keys(METADATA_KEYS) as (keyof ModelDetails)[];

/** The details a backend's listing gives of one model; what it does not say is left out. */
export function modelDetails(info: ModelInfo): ModelDetails {
  return withoutEmpty({
    family: info.architecture,
    format: info.format,
    parameterSize: info.parameter_size,
    quantization: info.quantization,
  });
}

/**
 * The details several listings of one name agree on: each detail where every listing that gives
 * it gives the same, left out where two differ (the same name with other weights on another
 * backend), since a listing that shows one of them would be wrong for the other.
 */
export function agreedDetails(listings: Iterable<ModelDetails>): ModelDetails {
  const agreed: Record<string, string | null> = {};
  for (const details of listings) {
    for (const detail of DETAILS) {
      const value = details[detail];
      if (value === undefined) continue;
      const seen = agreed[detail];
      agreed[detail] = seen === undefined || seen === value ? value : null;
    }
  }
  const result: ModelDetails = {};
  for (const detail of DETAILS) {
    const value = agreed[detail];
    if (typeof value === 'string') result[detail] = value;
  }
  return result;
}

/** The details as endpoint metadata entries, one key per detail given. */
export function detailsMetadata(details: ModelDetails): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const detail of DETAILS) {
    const value = details[detail];
    if (value !== undefined) metadata[METADATA_KEYS[detail]] = value;
  }
  return metadata;
}

/** The details in an endpoint's metadata. */
export function detailsFromMetadata(
  metadata: Readonly<Record<string, string>> | undefined,
): ModelDetails {
  return withoutEmpty({
    family: metadata?.[METADATA_KEYS.family],
    format: metadata?.[METADATA_KEYS.format],
    parameterSize: metadata?.[METADATA_KEYS.parameterSize],
    quantization: metadata?.[METADATA_KEYS.quantization],
  });
}

function withoutEmpty(details: Record<keyof ModelDetails, string | undefined>): ModelDetails {
  const result: ModelDetails = {};
  for (const detail of DETAILS) {
    const value = details[detail];
    if (value !== undefined && value !== '') result[detail] = value;
  }
  return result;
}
