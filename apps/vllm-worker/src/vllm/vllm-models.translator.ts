import type { ModelInfo } from '@switchyard/contracts';
import type { VllmModelCard } from './vllm-wire.types.js';

/**
 * `GET /v1/models` as model infos. vLLM loads its model before it listens, so every served name
 * (and every LoRA adapter, marked with the `lora` capability) is loaded. vLLM does not say what
 * a model is for, so every name is listed as `chat`; an embedding model still answers embedding
 * requests.
 */
export function toVllmModelInfos(cards: readonly VllmModelCard[]): ModelInfo[] {
  return cards.flatMap((card): ModelInfo[] => {
    if (typeof card.id !== 'string') return [];
    const info: ModelInfo = { name: card.id, type: 'chat', loaded: true };
    if (card.max_model_len !== undefined && card.max_model_len > 0) {
      info.context_length = card.max_model_len;
    }
    if (typeof card.parent === 'string') info.capabilities = ['lora'];
    return [info];
  });
}
