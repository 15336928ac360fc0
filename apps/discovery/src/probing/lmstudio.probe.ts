import { isRecord, type ModelInfo } from '@switchyard/contracts';
import {
  getOk,
  optionalString,
  positiveInt,
  type BackendInspection,
  type KindProbe,
} from './kind-probe.js';
import { FailedCheckError, UnrecognisedServerError } from './probe-errors.js';

/** LM Studio answers every unknown route with 200 and this error text; nothing else does. */
const UNKNOWN_ROUTE_QUIRK = /^Unexpected endpoint or method\./;

/**
 * LM Studio has no health route, so its quirk is its fingerprint: `GET /` answers 200 with
 * `{"error":"Unexpected endpoint or method. (GET /)"}`. Models come from `/api/v1/models`
 * (0.4+), or from `/api/v0/models` on older builds, which answer the v1 path with that same quirk.
 * Between inspections `GET /v1/models` must answer 200 without an `error` key.
 */
export const lmstudioProbe: KindProbe = {
  kind: 'lmstudio',

  async check(http, target) {
    const models = await getOk(http, target, '/v1/models');
    if (!isRecord(models.json) || 'error' in models.json || !Array.isArray(models.json['data'])) {
      throw new FailedCheckError('GET /v1/models did not list models');
    }
    return models.latencyMs;
  },

  async inspect(http, target): Promise<BackendInspection> {
    const root = await getOk(http, target, '/');
    const quirk = isRecord(root.json) ? root.json['error'] : undefined;
    if (typeof quirk !== 'string' || !UNKNOWN_ROUTE_QUIRK.test(quirk)) {
      throw new UnrecognisedServerError('GET / is not answered the way LM Studio answers it');
    }
    const v1 = await getOk(http, target, '/api/v1/models');
    if (isRecord(v1.json) && Array.isArray(v1.json['models'])) {
      const models = v1.json['models'].filter(isRecord).flatMap(fromV1);
      return { models, latencyMs: Math.max(root.latencyMs, v1.latencyMs) };
    }
    const v0 = await getOk(http, target, '/api/v0/models');
    if (isRecord(v0.json) && Array.isArray(v0.json['data'])) {
      const models = v0.json['data'].filter(isRecord).flatMap(fromV0);
      return { models, latencyMs: Math.max(root.latencyMs, v1.latencyMs, v0.latencyMs) };
    }
    throw new FailedCheckError('neither /api/v1/models nor /api/v0/models listed models');
  },
};

function fromV1(model: Record<string, unknown>): ModelInfo[] {
  const name = optionalString(model['key']);
  if (name === undefined) return [];
  const capabilities = isRecord(model['capabilities']) ? model['capabilities'] : undefined;
  const instances = Array.isArray(model['loaded_instances'])
    ? model['loaded_instances'].filter(isRecord)
    : [];
  const info: ModelInfo = {
    name,
    type:
      model['type'] === 'embedding'
        ? 'embedding'
        : capabilities?.['vision'] === true
          ? 'vision'
          : 'chat',
    loaded: instances.length > 0,
  };
  // A loaded instance's context is what requests get; the maximum is only what it could be.
  const config = isRecord(instances[0]?.['config']) ? instances[0]['config'] : {};
  const contextLength =
    positiveInt(config['context_length']) ?? positiveInt(model['max_context_length']);
  if (contextLength !== undefined) info.context_length = contextLength;
  const quantization = isRecord(model['quantization'])
    ? optionalString(model['quantization']['name'])
    : undefined;
  if (quantization !== undefined) info.quantization = quantization;
  const architecture = optionalString(model['architecture']);
  if (architecture !== undefined) info.architecture = architecture;
  if (typeof capabilities?.['trained_for_tool_use'] === 'boolean') {
    info.supports_tools = capabilities['trained_for_tool_use'];
  }
  const aliases = instances
    .map((instance) => optionalString(instance['id']))
    .filter((id): id is string => id !== undefined && id !== name);
  if (aliases.length > 0) info.aliases = aliases;
  return [info];
}

function fromV0(model: Record<string, unknown>): ModelInfo[] {
  const name = optionalString(model['id']);
  if (name === undefined) return [];
  const type = model['type'];
  const info: ModelInfo = {
    name,
    type: type === 'embeddings' ? 'embedding' : type === 'vlm' ? 'vision' : 'chat',
    loaded: model['state'] === 'loaded',
  };
  const contextLength = positiveInt(model['max_context_length']);
  if (contextLength !== undefined) info.context_length = contextLength;
  const quantization = optionalString(model['quantization']);
  if (quantization !== undefined) info.quantization = quantization;
  const architecture = optionalString(model['arch']);
  if (architecture !== undefined) info.architecture = architecture;
  if (typeof type === 'string') info.capabilities = [type];
  return [info];
}
