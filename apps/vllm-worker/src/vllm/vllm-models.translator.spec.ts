import { describe, expect, it } from '@jest/globals';
import { toVllmModelInfos } from './vllm-models.translator.js';

// GET /v1/models (backend reference, section 3.3), with a LoRA adapter card added.
const MODELS = {
  object: 'list',
  data: [
    {
      id: 'my-model',
      object: 'model',
      created: 1740000000,
      owned_by: 'vllm',
      root: 'meta-llama/Llama-3.1-8B-Instruct',
      parent: null,
      max_model_len: 8192,
      permission: [{ id: 'modelperm-3f2a', object: 'model_permission', allow_sampling: true }],
    },
    {
      id: 'sql-lora',
      object: 'model',
      created: 1740000000,
      owned_by: 'vllm',
      root: '/adapters/sql',
      parent: 'my-model',
      max_model_len: 8192,
    },
  ],
};

describe('toVllmModelInfos', () => {
  it('lists every served name and adapter as loaded, with max_model_len as the context', () => {
    expect(toVllmModelInfos(MODELS.data)).toEqual([
      { name: 'my-model', type: 'chat', loaded: true, context_length: 8192 },
      {
        name: 'sql-lora',
        type: 'chat',
        loaded: true,
        context_length: 8192,
        capabilities: ['lora'],
      },
    ]);
  });
});
