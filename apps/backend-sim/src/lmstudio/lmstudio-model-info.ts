import type { SimModel } from '../core/model-registry.js';
import {
  isEmbeddingModel,
  isThinkingModel,
  isVisionModel,
  supportsTools,
} from '../core/model-traits.js';
import type { SimContext } from '../core/sim-context.js';
import { lmModelNotFound } from './lmstudio-errors.js';

/** The runtime LM Studio reports in `/api/v0` answers. */
export const LMSTUDIO_RUNTIME = {
  name: 'llama.cpp-linux-x86_64-avx2',
  version: '1.52.0',
  supported_formats: ['gguf'],
};

export function lmArch(name: string): string {
  if (/nomic/i.test(name)) return 'nomic-bert';
  if (isEmbeddingModel(name)) return 'bert';
  const base = name.split('/').pop() ?? name;
  return /^[a-z]+/i.exec(base.replace(/^text-embedding-/, ''))?.[0]?.toLowerCase() ?? 'llama';
}

export const lmType = (name: string) =>
  isEmbeddingModel(name) ? 'embeddings' : isVisionModel(name) ? 'vlm' : 'llm';

export const lmQuantization = (name: string) => (isEmbeddingModel(name) ? 'Q8_0' : 'Q4_K_M');

export const lmPublisher = (name: string) =>
  name.includes('/') ? (name.split('/')[0] as string) : 'lmstudio-community';

/** A `/api/v0/models` entry. */
export function v0ModelEntry(sim: SimContext, model: SimModel) {
  return {
    id: model.name,
    object: 'model',
    type: lmType(model.name),
    publisher: lmPublisher(model.name),
    arch: lmArch(model.name),
    compatibility_type: 'gguf',
    quantization: lmQuantization(model.name),
    state: model.state === 'loaded' ? 'loaded' : 'not-loaded',
    max_context_length: sim.options.contextLength,
  };
}

/** A `/api/v1/models` entry: loaded exactly when `loaded_instances` is non-empty. */
export function v1ModelEntry(sim: SimContext, model: SimModel) {
  const embedding = isEmbeddingModel(model.name);
  return {
    type: embedding ? 'embedding' : 'llm',
    publisher: lmPublisher(model.name),
    key: model.name,
    display_name: model.name.split('/').pop(),
    architecture: lmArch(model.name),
    quantization: { name: lmQuantization(model.name), bits_per_weight: embedding ? 8 : 4 },
    size_bytes: model.sizeBytes,
    params_string: embedding ? '137M' : '7B',
    loaded_instances:
      model.state === 'loaded'
        ? [
            {
              id: model.name,
              config: {
                context_length: sim.options.contextLength,
                eval_batch_size: 512,
                parallel: sim.options.maxConcurrency,
                flash_attention: false,
                offload_kv_cache_to_gpu: true,
              },
            },
          ]
        : [],
    max_context_length: sim.options.contextLength,
    format: 'gguf',
    ...(embedding
      ? {}
      : {
          capabilities: {
            vision: isVisionModel(model.name),
            trained_for_tool_use: supportsTools(model.name),
            ...(isThinkingModel(model.name)
              ? { reasoning: { allowed_options: ['off', 'on'], default: 'on' } }
              : {}),
          },
        }),
  };
}

/** The downloaded model a request names (JIT loading makes any of them usable), or 404. */
export function lmFindModel(sim: SimContext, requested: unknown): SimModel {
  const name = typeof requested === 'string' ? requested : '';
  const model = name ? sim.registry.find(name) : undefined;
  if (!model)
    throw lmModelNotFound(
      name,
      sim.registry.list().map((m) => m.name),
    );
  return model;
}
