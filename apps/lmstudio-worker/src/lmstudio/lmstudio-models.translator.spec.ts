import { describe, expect, it } from '@jest/globals';
import { toLmStudioModelInfos } from './lmstudio-models.translator.js';

// GET /api/v0/models (backend reference, section 2.3).
const MODELS = {
  object: 'list',
  data: [
    {
      id: 'meta-llama-3.1-8b-instruct',
      object: 'model',
      type: 'llm',
      publisher: 'lmstudio-community',
      arch: 'llama',
      compatibility_type: 'gguf',
      quantization: 'Q4_K_M',
      state: 'loaded',
      max_context_length: 131072,
    },
    {
      id: 'qwen2-vl-7b-instruct',
      object: 'model',
      type: 'vlm',
      publisher: 'mlx-community',
      arch: 'qwen2_vl',
      compatibility_type: 'mlx',
      quantization: '4bit',
      state: 'not-loaded',
      max_context_length: 32768,
    },
    {
      id: 'text-embedding-nomic-embed-text-v1.5',
      object: 'model',
      type: 'embeddings',
      publisher: 'nomic-ai',
      arch: 'nomic-bert',
      compatibility_type: 'gguf',
      quantization: 'Q4_0',
      state: 'not-loaded',
      max_context_length: 2048,
    },
  ],
};

describe('toLmStudioModelInfos', () => {
  it('maps type, load state, maximum context, architecture, format and quantization', () => {
    expect(toLmStudioModelInfos(MODELS.data)).toEqual([
      {
        name: 'meta-llama-3.1-8b-instruct',
        type: 'chat',
        loaded: true,
        context_length: 131072,
        architecture: 'llama',
        format: 'gguf',
        quantization: 'Q4_K_M',
        capabilities: ['llm'],
      },
      {
        name: 'qwen2-vl-7b-instruct',
        type: 'vision',
        loaded: false,
        context_length: 32768,
        architecture: 'qwen2_vl',
        format: 'mlx',
        quantization: '4bit',
        capabilities: ['vlm'],
      },
      {
        name: 'text-embedding-nomic-embed-text-v1.5',
        type: 'embedding',
        loaded: false,
        context_length: 2048,
        architecture: 'nomic-bert',
        format: 'gguf',
        quantization: 'Q4_0',
        capabilities: ['embeddings'],
      },
    ]);
  });
});
