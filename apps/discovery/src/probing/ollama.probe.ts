import { isRecord, type ModelInfo } from '@switchyard/contracts';
import {
  getOk,
  optionalString,
  positiveInt,
  type BackendInspection,
  type KindProbe,
} from './kind-probe.js';
import { FailedCheckError, UnrecognisedServerError } from './probe-errors.js';

const LATEST_TAG = ':latest';

/**
 * Ollama answers `GET /` with the plain text `Ollama is running`, which nothing else does by
 * accident; `/api/version` must then report a version. Models: `/api/tags` (installed) joined
 * with `/api/ps` (loaded, with the context length they were loaded with).
 */
export const ollamaProbe: KindProbe = {
  kind: 'ollama',

  async check(http, target) {
    const root = await getOk(http, target, '/');
    if (!/^Ollama is running\s*$/.test(root.text)) {
      throw new UnrecognisedServerError('GET / does not say "Ollama is running"');
    }
    return root.latencyMs;
  },

  async inspect(http, target): Promise<BackendInspection> {
    const rootLatency = await this.check(http, target);
    const version = await getOk(http, target, '/api/version');
    if (!isRecord(version.json) || typeof version.json['version'] !== 'string') {
      throw new UnrecognisedServerError('/api/version does not report a version');
    }
    const [tags, ps] = await Promise.all([
      getOk(http, target, '/api/tags'),
      getOk(http, target, '/api/ps'),
    ]);
    const installed = modelList(tags.json, '/api/tags');
    const loaded = modelList(ps.json, '/api/ps');
    return {
      version: version.json['version'],
      models: toModelInfos(installed, loaded),
      latencyMs: Math.max(rootLatency, version.latencyMs, tags.latencyMs, ps.latencyMs),
    };
  },
};

function modelList(body: unknown, path: string): Record<string, unknown>[] {
  if (!isRecord(body)) throw new FailedCheckError(`${path} did not answer a JSON object`);
  // Ollama writes `null` for an empty list on some versions.
  const models = body['models'] ?? [];
  if (!Array.isArray(models)) throw new FailedCheckError(`${path} has no "models" list`);
  return models.filter(isRecord);
}

function toModelInfos(
  installed: Record<string, unknown>[],
  running: Record<string, unknown>[],
): ModelInfo[] {
  const loaded = new Map(running.map((model) => [modelName(model), model]));
  return installed.flatMap((model): ModelInfo[] => {
    const name = modelName(model);
    if (name === undefined) return [];
    const details = isRecord(model['details']) ? model['details'] : {};
    const capabilities = stringList(model['capabilities']);
    const info: ModelInfo = {
      name,
      type: modelType(name, details, capabilities),
      loaded: loaded.has(name),
    };
    if (name.endsWith(LATEST_TAG)) info.aliases = [name.slice(0, -LATEST_TAG.length)];
    const contextLength = positiveInt(loaded.get(name)?.['context_length']);
    if (contextLength !== undefined) info.context_length = contextLength;
    const quantization = optionalString(details['quantization_level']);
    if (quantization !== undefined) info.quantization = quantization;
    if (capabilities !== undefined) {
      info.capabilities = capabilities;
      info.supports_tools = capabilities.includes('tools');
    }
    return [info];
  });
}

function modelName(model: Record<string, unknown>): string | undefined {
  return optionalString(model['name']) ?? optionalString(model['model']);
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string') : undefined;
}

/** Capabilities decide where a server lists them; older servers leave only the family and name. */
function modelType(
  name: string,
  details: Record<string, unknown>,
  capabilities: string[] | undefined,
): ModelInfo['type'] {
  if (capabilities !== undefined) {
    if (capabilities.includes('embedding') && !capabilities.includes('completion')) {
      return 'embedding';
    }
    return capabilities.includes('vision') ? 'vision' : 'chat';
  }
  const family = optionalString(details['family']) ?? '';
  return family.includes('bert') || /embed/i.test(name) ? 'embedding' : 'chat';
}
