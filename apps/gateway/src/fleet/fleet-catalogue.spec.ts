import { describe, expect, it } from '@jest/globals';
import type { ServiceInfo } from '@switchyard/nats';
import { modelsOf, withConfiguredAliases } from './fleet-catalogue.service.js';

function worker(
  kind: string,
  id: string,
  models: string[],
  /** More endpoint metadata of some of the models (capabilities, details). */
  described: Record<string, Record<string, string>> = {},
): ServiceInfo {
  return {
    type: 'io.nats.micro.v1.info_response',
    name: `${kind}-worker`,
    id,
    version: '0.1.0',
    description: '',
    metadata: { kind },
    endpoints: models.flatMap((model) =>
      ['chat', 'embed'].map((operation) => ({
        name: `${operation}_${model}`,
        subject: `switchyard.v1.${operation}.x`,
        queue_group: 'switchyard-workers',
        metadata: { model, operation, ...described[model] },
      })),
    ),
  } as ServiceInfo;
}

describe('the fleet listing from $SRV.INFO', () => {
  it('merges workers per model with their kinds, and ignores other services', () => {
    const models = modelsOf([
      worker('ollama', 'a', ['llama3.2:latest', 'qwen']),
      worker('ollama', 'b', ['llama3.2:latest']),
      worker('vllm', 'c', ['qwen']),
      { ...worker('ollama', 'd', ['spy']), name: 'something-else' },
      worker('toaster', 'e', ['bread']),
    ]);
    expect(models).toEqual([
      { id: 'llama3.2:latest', kinds: ['ollama'], workers: 2, capabilities: [], details: {} },
      { id: 'qwen', kinds: ['ollama', 'vllm'], workers: 2, capabilities: [], details: {} },
    ]);
  });

  it('counts a worker answering from two registrations (its models just changed) once', () => {
    const registration = (id: string, models: string[]): ServiceInfo => ({
      ...worker('ollama', id, models),
      metadata: { kind: 'ollama', worker_id: 'ollama-worker-1' },
    });
    expect(
      modelsOf([
        registration('before', ['llama3.2:latest']),
        registration('after', ['llama3.2:latest', 'qwen']),
      ]).map((model) => [model.id, model.workers]),
    ).toEqual([
      ['llama3.2:latest', 1],
      ['qwen', 1],
    ]);
  });

  it('marks a name as an alias only when every worker serving it says so', () => {
    const aliasing = (info: ServiceInfo, alias: string, of: string): ServiceInfo => ({
      ...info,
      endpoints: info.endpoints.map((endpoint) =>
        endpoint.metadata?.['model'] === alias
          ? { ...endpoint, metadata: { ...endpoint.metadata, alias_of: of } }
          : endpoint,
      ),
    });
    const models = modelsOf([
      aliasing(
        worker('ollama', 'a', ['llama3.2:latest', 'llama3.2']),
        'llama3.2',
        'llama3.2:latest',
      ),
      aliasing(worker('ollama', 'b', ['qwen:latest', 'qwen']), 'qwen', 'qwen:latest'),
      worker('vllm', 'c', ['qwen']),
    ]);
    expect(models.map(({ id, aliasOf }) => ({ id, aliasOf }))).toEqual([
      { id: 'llama3.2', aliasOf: 'llama3.2:latest' },
      { id: 'llama3.2:latest', aliasOf: undefined },
      // vLLM serves `qwen` as a model of its own: it is listed.
      { id: 'qwen', aliasOf: undefined },
      { id: 'qwen:latest', aliasOf: undefined },
    ]);
  });

  it("joins the capabilities every worker publishes for a model, in Ollama's order", () => {
    const models = modelsOf([
      worker('ollama', 'a', ['qwen', 'minilm'], {
        qwen: { capabilities: 'completion,tools,thinking' },
        minilm: { capabilities: 'embedding' },
      }),
      worker('vllm', 'b', ['qwen'], { qwen: { capabilities: 'vision,completion' } }),
      worker('vllm', 'c', ['qwen']),
    ]);
    expect(models.map(({ id, capabilities }) => ({ id, capabilities }))).toEqual([
      { id: 'minilm', capabilities: ['embedding'] },
      { id: 'qwen', capabilities: ['completion', 'tools', 'thinking', 'vision'] },
    ]);
  });

  it('gives each model the details its workers agree on, and none they differ on', () => {
    const llama = { family: 'llama', format: 'gguf', quantization: 'Q4_K_M' };
    const models = modelsOf([
      worker('ollama', 'a', ['llama3.2:latest', 'qwen'], {
        'llama3.2:latest': { ...llama, parameter_size: '3.2B' },
        qwen: { family: 'qwen2', quantization: 'Q4_K_M' },
      }),
      worker('lmstudio', 'b', ['llama3.2:latest', 'qwen'], {
        'llama3.2:latest': llama,
        qwen: { family: 'qwen2', quantization: 'Q8_0' },
      }),
      // vLLM says none of them: it takes nothing away.
      worker('vllm', 'c', ['qwen']),
    ]);
    expect(models.map(({ id, details }) => ({ id, details }))).toEqual([
      {
        id: 'llama3.2:latest',
        details: { family: 'llama', format: 'gguf', parameterSize: '3.2B', quantization: 'Q4_K_M' },
      },
      { id: 'qwen', details: { family: 'qwen2' } },
    ]);
  });

  it('lists the configured aliases whose model is served, as that model', () => {
    const models = withConfiguredAliases(
      modelsOf([
        worker('ollama', 'a', ['llama3.2:latest']),
        worker('ollama', 'b', ['qwen']),
        worker('vllm', 'c', ['qwen']),
      ]),
      {
        'gpt-4o': 'llama3.2:latest',
        fast: 'vllm/qwen',
        slow: 'lmstudio/qwen',
        gone: 'nobody:latest',
        qwen: 'llama3.2:latest',
      },
    );
    expect(models).toEqual([
      { id: 'fast', kinds: ['vllm'], workers: 2, capabilities: [], details: {}, servedAs: 'qwen' },
      {
        id: 'gpt-4o',
        kinds: ['ollama'],
        workers: 1,
        capabilities: [],
        details: {},
        servedAs: 'llama3.2:latest',
      },
      { id: 'llama3.2:latest', kinds: ['ollama'], workers: 1, capabilities: [], details: {} },
      // A name the workers serve stays theirs; an alias pinned to a kind that does not serve
      // its model, or to a model nobody serves, is not listed.
      { id: 'qwen', kinds: ['ollama', 'vllm'], workers: 2, capabilities: [], details: {} },
    ]);
  });
});
