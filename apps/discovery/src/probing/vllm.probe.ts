import { isRecord, type ModelInfo } from '@switchyard/contracts';
import {
  getOk,
  optionalString,
  positiveInt,
  type BackendInspection,
  type KindProbe,
} from './kind-probe.js';
import { FailedCheckError, UnrecognisedServerError } from './probe-errors.js';

/**
 * vLLM is recognised by `/version` reporting a version and `/v1/models` listing cards
 * `owned_by: "vllm"`; its liveness check is `GET /health` (200 with an empty body, 503 once the
 * engine died). It loads its model before it listens, so every listed model is loaded. It does
 * not say what a model is for, so every model is listed as `chat`.
 */
export const vllmProbe: KindProbe = {
  kind: 'vllm',

  async check(http, target) {
    const health = await getOk(http, target, '/health');
    return health.latencyMs;
  },

  async inspect(http, target): Promise<BackendInspection> {
    const healthLatency = await this.check(http, target);
    const version = await getOk(http, target, '/version');
    if (!isRecord(version.json) || typeof version.json['version'] !== 'string') {
      throw new UnrecognisedServerError('/version does not report a version');
    }
    const models = await getOk(http, target, '/v1/models');
    const cards =
      isRecord(models.json) && Array.isArray(models.json['data'])
        ? models.json['data'].filter(isRecord)
        : undefined;
    if (cards === undefined) throw new FailedCheckError('/v1/models did not list models');
    if (!cards.some((card) => card['owned_by'] === 'vllm')) {
      throw new UnrecognisedServerError('/v1/models lists no model owned by vllm');
    }
    return {
      version: version.json['version'],
      models: cards.flatMap(toModelInfo),
      latencyMs: Math.max(healthLatency, version.latencyMs, models.latencyMs),
    };
  },
};

function toModelInfo(card: Record<string, unknown>): ModelInfo[] {
  const name = optionalString(card['id']);
  if (name === undefined) return [];
  const info: ModelInfo = { name, type: 'chat', loaded: true };
  const contextLength = positiveInt(card['max_model_len']);
  if (contextLength !== undefined) info.context_length = contextLength;
  // LoRA adapters are listed with their base model as parent.
  if (typeof card['parent'] === 'string') info.capabilities = ['lora'];
  return [info];
}
