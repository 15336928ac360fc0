import { describe, expect, it } from '@jest/globals';
import {
  workerEndpointMetadata,
  workerEndpointModel,
  workerListingOf,
  workerServiceMetadata,
  workerSubjectPrefix,
} from './worker-service.js';

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

describe("a worker's $SRV.INFO answer", () => {
  const endpoints: { metadata?: Record<string, string> }[] = [
    { metadata: { operation: 'chat', model: 'llama3.2:latest', capabilities: 'completion' } },
    { metadata: { operation: 'chat', model: 'llama3.2', alias_of: 'llama3.2:latest' } },
    { metadata: { operation: 'ping' } },
    {},
  ];

  it('lists the worker process, its kind and what each endpoint serves, aliases included', () => {
    const info = {
      id: 'registration-2',
      name: 'ollama-worker',
      metadata: workerServiceMetadata('ollama', 'ollama-worker-1a2b', 'switchyard'),
      endpoints,
    };
    expect(workerListingOf(info)).toEqual({
      id: 'ollama-worker-1a2b',
      name: 'ollama-worker',
      kind: 'ollama',
      models: [
        { model: 'llama3.2:latest', capabilities: ['completion'], details: {} },
        { model: 'llama3.2', capabilities: [], details: {}, aliasOf: 'llama3.2:latest' },
      ],
    });
  });

  it('reads the subject prefix a worker serves under; one that does not say is the default', () => {
    const metadata = workerServiceMetadata('vllm', 'vllm-worker-1', 'acme.ai');
    expect(workerSubjectPrefix({ metadata })).toBe('acme.ai');
    expect(workerSubjectPrefix({ metadata: { kind: 'vllm' } })).toBe('switchyard');
  });

  it('knows a worker that gives no worker id by its registration, and one without endpoints', () => {
    expect(
      workerListingOf({ id: 'registration-1', name: 'vllm-worker', metadata: { kind: 'vllm' } }),
    ).toEqual({ id: 'registration-1', name: 'vllm-worker', kind: 'vllm', models: [] });
  });

  it('is no worker from another micro service, or one naming no kind Switchyard knows', () => {
    expect(
      workerListingOf({ id: 'x', name: 'billing', metadata: { kind: 'ollama' }, endpoints }),
    ).toBeUndefined();
    expect(
      workerListingOf({ id: 'x', name: 'ollama-worker', metadata: { kind: 'llamacpp' } }),
    ).toBeUndefined();
    expect(workerListingOf({ id: 'x', name: 'ollama-worker' })).toBeUndefined();
  });
});
