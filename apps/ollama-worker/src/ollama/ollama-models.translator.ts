import type { ModelInfo } from '@switchyard/contracts';
import type { OllamaListedModel, OllamaRunningModel } from './ollama-wire.types.js';

/**
 * `/api/tags` (what is installed) and `/api/ps` (what is in memory) as model infos.
 *
 * The type comes from `capabilities` (servers since 2025 list them): `embedding` without
 * `completion` is an embedding model, `vision` a vision model, anything else chat. Older servers
 * list no capabilities; then a BERT family (`bert`, `nomic-bert`) or `embed` in the name marks
 * an embedding model. The context length is known only for loaded models (`/api/ps`); asking
 * `/api/show` for every model on every refresh would cost more than it tells.
 */
const LATEST_TAG = ':latest';

export function toModelInfos(
  tags: readonly OllamaListedModel[],
  running: readonly OllamaRunningModel[],
): ModelInfo[] {
  const loaded = new Map(running.map((model) => [model.name ?? model.model, model]));
  return tags.flatMap((model): ModelInfo[] => {
    const name = model.name ?? model.model;
    if (name === undefined) return [];
    const capabilities = model.capabilities ?? loaded.get(name)?.capabilities;
    const info: ModelInfo = {
      name,
      type: modelType(name, model, capabilities),
      loaded: loaded.has(name),
    };
    // Ollama lists `name:tag` but answers to the bare name for the `latest` tag.
    if (name.endsWith(LATEST_TAG)) info.aliases = [name.slice(0, -LATEST_TAG.length)];
    const contextLength = loaded.get(name)?.context_length;
    if (contextLength !== undefined && contextLength > 0) info.context_length = contextLength;
    const {
      family,
      format,
      parameter_size: size,
      quantization_level: quantization,
    } = model.details ?? {};
    if (family) info.architecture = family;
    if (format) info.format = format;
    if (size) info.parameter_size = size;
    if (quantization) info.quantization = quantization;
    if (capabilities !== undefined) {
      info.capabilities = [...capabilities];
      info.supports_tools = capabilities.includes('tools');
    }
    return [info];
  });
}

function modelType(
  name: string,
  model: OllamaListedModel,
  capabilities: readonly string[] | undefined,
): ModelInfo['type'] {
  if (capabilities !== undefined) {
    if (capabilities.includes('embedding') && !capabilities.includes('completion')) {
      return 'embedding';
    }
    return capabilities.includes('vision') ? 'vision' : 'chat';
  }
  const families = [model.details?.family, ...(model.details?.families ?? [])];
  if (families.some((family) => family?.includes('bert')) || /embed/i.test(name)) {
    return 'embedding';
  }
  return 'chat';
}
