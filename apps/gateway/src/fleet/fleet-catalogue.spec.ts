import { describe, expect, it } from '@jest/globals';
import type { ServiceInfo } from '@switchyard/nats';
import { modelsOf } from './fleet-catalogue.service.js';

function worker(
  kind: string,
  id: string,
  models: string[],
  capabilities: Record<string, string> = {},
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
        metadata: {
          model,
          operation,
          ...(capabilities[model] === undefined ? {} : { capabilities: capabilities[model] }),
        },
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
      { id: 'llama3.2:latest', kinds: ['ollama'], workers: 2, capabilities: [] },
      { id: 'qwen', kinds: ['ollama', 'vllm'], workers: 2, capabilities: [] },
    ]);
  });

  it("joins the capabilities every worker publishes for a model, in Ollama's order", () => {
    const models = modelsOf([
      worker('ollama', 'a', ['qwen', 'minilm'], {
        qwen: 'completion,tools,thinking',
        minilm: 'embedding',
      }),
      worker('vllm', 'b', ['qwen'], { qwen: 'vision,completion' }),
      worker('vllm', 'c', ['qwen']),
    ]);
    expect(models.map(({ id, capabilities }) => ({ id, capabilities }))).toEqual([
      { id: 'minilm', capabilities: ['embedding'] },
      { id: 'qwen', capabilities: ['completion', 'tools', 'thinking', 'vision'] },
    ]);
  });
});
