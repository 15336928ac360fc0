import type { ModelInfo } from '@switchyard/contracts';
import type { LmStudioV0Model } from './lmstudio-wire.types.js';

const MODEL_TYPES: Readonly<Record<string, ModelInfo['type']>> = {
  llm: 'chat',
  vlm: 'vision',
  embeddings: 'embedding',
};

/**
 * `GET /api/v0/models` as model infos. With JIT loading on (LM Studio's default) every
 * downloaded model is listed and servable; `state` tells which are in memory now. The context
 * length is the model's maximum, not the one it is loaded with.
 */
export function toLmStudioModelInfos(models: readonly LmStudioV0Model[]): ModelInfo[] {
  return models.flatMap((model): ModelInfo[] => {
    if (typeof model.id !== 'string') return [];
    const info: ModelInfo = {
      name: model.id,
      type: MODEL_TYPES[model.type ?? 'llm'] ?? 'chat',
      loaded: model.state === 'loaded',
    };
    if (model.max_context_length !== undefined && model.max_context_length > 0) {
      info.context_length = model.max_context_length;
    }
    if (model.arch) info.architecture = model.arch;
    if (model.compatibility_type) info.format = model.compatibility_type;
    if (model.quantization) info.quantization = model.quantization;
    if (model.type) info.capabilities = [model.type];
    return [info];
  });
}
