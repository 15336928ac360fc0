import { describe, expect, it } from '@jest/globals';
import type { ServiceInfo } from '@switchyard/nats';
import { WorkerSightings } from './worker-sightings.js';

/** A worker's answer: `id` is the registration's instance id, `workerId` the process's. */
function answer(id: string, models: string[], workerId?: string): ServiceInfo {
  return {
    type: 'io.nats.micro.v1.info_response',
    name: 'ollama-worker',
    id,
    version: '0.1.0',
    description: '',
    metadata: workerId === undefined ? { kind: 'ollama' } : { kind: 'ollama', worker_id: workerId },
    endpoints: models.map((model) => ({
      name: `chat_${model}`,
      subject: 'switchyard.v1.chat.x',
      queue_group: 'switchyard-workers',
      metadata: { model, operation: 'chat' },
    })),
  } as ServiceInfo;
}

const modelsIn = (answers: ServiceInfo[]): string[] =>
  answers.flatMap((info) => info.endpoints.map((endpoint) => endpoint.metadata?.['model'] ?? ''));

describe('WorkerSightings', () => {
  it('keeps a worker that missed a listing, from its latest answer, while the grace lasts', () => {
    let now = 0;
    const sightings = new WorkerSightings(5_000, () => now);
    sightings.update([answer('a', ['llama3.2:latest']), answer('b', ['qwen'])]);
    now = 2_000;
    expect(modelsIn(sightings.update([answer('a', ['llama3.2:latest'])]))).toEqual([
      'llama3.2:latest',
      'qwen',
    ]);
    now = 5_000;
    expect(modelsIn(sightings.update([answer('a', ['llama3.2:latest'])]))).toEqual([
      'llama3.2:latest',
      'qwen',
    ]);
    now = 5_001;
    expect(modelsIn(sightings.update([answer('a', ['llama3.2:latest'])]))).toEqual([
      'llama3.2:latest',
    ]);
  });

  it("takes a worker's latest answer over what it said before", () => {
    let now = 0;
    const sightings = new WorkerSightings(5_000, () => now);
    sightings.update([answer('a', ['llama3.2:latest', 'scratch:latest'])]);
    now = 100;
    expect(modelsIn(sightings.update([answer('a', ['llama3.2:latest'])]))).toEqual([
      'llama3.2:latest',
    ]);
  });

  it('drops what a worker served before it registered anew (its models changed) at once', () => {
    let now = 0;
    const sightings = new WorkerSightings(5_000, () => now);
    sightings.update([answer('first', ['llama3.2:latest', 'scratch:latest'], 'ollama-worker-1')]);
    now = 100;
    const listed = sightings.update([answer('second', ['llama3.2:latest'], 'ollama-worker-1')]);
    expect(listed.map((info) => info.id)).toEqual(['second']);
    expect(modelsIn(listed)).toEqual(['llama3.2:latest']);
  });

  it('lists both registrations of a worker that answers from both in one listing', () => {
    let now = 0;
    const sightings = new WorkerSightings(5_000, () => now);
    sightings.update([answer('first', ['llama3.2:latest'], 'ollama-worker-1')]);
    now = 100;
    const between = [
      answer('first', ['llama3.2:latest'], 'ollama-worker-1'),
      answer('second', ['llama3.2:latest', 'scratch:latest'], 'ollama-worker-1'),
    ];
    expect(modelsIn(sightings.update(between))).toEqual([
      'llama3.2:latest',
      'llama3.2:latest',
      'scratch:latest',
    ]);
    now = 200;
    expect(
      modelsIn(
        sightings.update([
          answer('second', ['llama3.2:latest', 'scratch:latest'], 'ollama-worker-1'),
        ]),
      ),
    ).toEqual(['llama3.2:latest', 'scratch:latest']);
  });

  it('forgets a worker for good once the grace is over, even if every listing is empty', () => {
    let now = 0;
    const sightings = new WorkerSightings(1_000, () => now);
    sightings.update([answer('a', ['qwen'])]);
    now = 1_500;
    expect(sightings.update([])).toEqual([]);
    now = 1_600;
    expect(sightings.update([])).toEqual([]);
  });
});
