import { describe, expect, it } from '@jest/globals';
import type { ServiceInfo } from '@switchyard/nats';
import { modelsOf } from './fleet-catalogue.service.js';

function worker(kind: string, id: string, models: string[]): ServiceInfo {
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
        metadata: { model, operation },
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
      { id: 'llama3.2:latest', kinds: ['ollama'], workers: 2 },
      { id: 'qwen', kinds: ['ollama', 'vllm'], workers: 2 },
    ]);
  });
});
