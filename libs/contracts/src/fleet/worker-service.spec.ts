import { describe, expect, it } from '@jest/globals';
import { workerEndpointMetadata, workerEndpointModel } from './worker-service.js';

describe("a worker endpoint's metadata", () => {
  it('carries a served model, its capabilities and, for an alias, the model it stands for', () => {
    const model = {
      model: 'llama3.2:latest',
      capabilities: ['completion', 'tools'] as const,
      details: {},
    };
    expect(workerEndpointMetadata(model)).toEqual({
      model: 'llama3.2:latest',
      capabilities: 'completion,tools',
    });
    expect(workerEndpointModel(workerEndpointMetadata(model))).toEqual(model);
    const alias = { ...model, model: 'llama3.2', aliasOf: 'llama3.2:latest' };
    expect(workerEndpointMetadata(alias)).toMatchObject({ alias_of: 'llama3.2:latest' });
    expect(workerEndpointModel(workerEndpointMetadata(alias))).toEqual(alias);
  });

  it('carries the details its backend gives of the model, and only those', () => {
    const model = {
      model: 'qwen2.5-7b-instruct',
      capabilities: ['completion'] as const,
      details: { family: 'qwen2', format: 'gguf', quantization: 'Q4_K_M' },
    };
    expect(workerEndpointMetadata(model)).toEqual({
      model: 'qwen2.5-7b-instruct',
      capabilities: 'completion',
      family: 'qwen2',
      format: 'gguf',
      quantization: 'Q4_K_M',
    });
    expect(workerEndpointModel(workerEndpointMetadata(model))).toEqual(model);
  });

  it('reads no model from an endpoint without one, and skips capabilities it does not know', () => {
    expect(workerEndpointModel(undefined)).toBeUndefined();
    expect(workerEndpointModel({ operation: 'chat' })).toBeUndefined();
    expect(workerEndpointModel({ model: 'm', capabilities: 'completion,teleport' })).toEqual({
      model: 'm',
      capabilities: ['completion'],
      details: {},
    });
  });
});
