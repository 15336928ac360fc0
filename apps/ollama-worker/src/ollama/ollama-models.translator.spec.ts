import { describe, expect, it } from '@jest/globals';
import { toModelInfos } from './ollama-models.translator.js';

// Shapes of GET /api/tags and GET /api/ps (backend reference, section 1.6).
const TAGS = {
  models: [
    {
      name: 'llama3.2:latest',
      model: 'llama3.2:latest',
      modified_at: '2025-03-01T10:00:00.123456789Z',
      size: 2019393189,
      digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
      details: {
        parent_model: '',
        format: 'gguf',
        family: 'llama',
        families: ['llama'],
        parameter_size: '3.2B',
        quantization_level: 'Q4_K_M',
      },
      capabilities: ['completion', 'tools'],
    },
    {
      name: 'llava:13b',
      model: 'llava:13b',
      details: { family: 'llama', families: ['llama', 'clip'], quantization_level: 'Q4_0' },
      capabilities: ['completion', 'vision'],
    },
    {
      name: 'all-minilm:latest',
      model: 'all-minilm:latest',
      details: { family: 'bert', families: ['bert'], quantization_level: 'F16' },
      capabilities: ['embedding'],
    },
    // An older server lists no capabilities.
    { name: 'nomic-embed-text:latest', details: { family: 'nomic-bert', families: null } },
    { name: 'mistral:7b', details: { family: 'llama' } },
  ],
};

const PS = {
  models: [
    {
      name: 'llama3.2:latest',
      model: 'llama3.2:latest',
      size: 3400000000,
      digest: 'a80c4f17acd5',
      details: { family: 'llama', quantization_level: 'Q4_K_M' },
      expires_at: '2025-03-01T10:05:00Z',
      size_vram: 3400000000,
      context_length: 4096,
    },
  ],
};

describe('toModelInfos', () => {
  it('lists installed models with aliases, type, load state, context length, details and tools', () => {
    expect(toModelInfos(TAGS.models, PS.models)).toEqual([
      {
        name: 'llama3.2:latest',
        aliases: ['llama3.2'],
        type: 'chat',
        loaded: true,
        context_length: 4096,
        architecture: 'llama',
        format: 'gguf',
        parameter_size: '3.2B',
        quantization: 'Q4_K_M',
        capabilities: ['completion', 'tools'],
        supports_tools: true,
      },
      {
        name: 'llava:13b',
        type: 'vision',
        loaded: false,
        architecture: 'llama',
        quantization: 'Q4_0',
        capabilities: ['completion', 'vision'],
        supports_tools: false,
      },
      {
        name: 'all-minilm:latest',
        aliases: ['all-minilm'],
        type: 'embedding',
        loaded: false,
        architecture: 'bert',
        quantization: 'F16',
        capabilities: ['embedding'],
        supports_tools: false,
      },
      {
        name: 'nomic-embed-text:latest',
        aliases: ['nomic-embed-text'],
        type: 'embedding',
        loaded: false,
        architecture: 'nomic-bert',
      },
      { name: 'mistral:7b', type: 'chat', loaded: false, architecture: 'llama' },
    ]);
  });
});
