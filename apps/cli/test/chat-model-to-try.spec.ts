import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Svcm, type Service } from '@nats-io/services';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  Subjects,
  workerEndpointMetadata,
  workerServiceMetadata,
  type WorkerEndpointModel,
} from '@switchyard/contracts';
import { closeConnection, startNatsServer, type NatsServer } from '@switchyard/testing';
import { chatModelToTry } from '../src/fleet/fleet-workers.js';

const SUBJECTS = new Subjects();
const EMBEDDER: WorkerEndpointModel = {
  model: 'all-minilm:latest',
  capabilities: ['embedding'],
  details: {},
};
const chatter = (model: string): WorkerEndpointModel => ({
  model,
  capabilities: ['completion'],
  details: {},
});

// The model `switchyard up` puts in its ready banner's examples: one the fleet can chat with.
describe('chatModelToTry', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let workers: Service[] = [];

  /** A worker registered as the real ones are, serving `models` (metadata only). */
  async function worker(
    models: readonly WorkerEndpointModel[],
    prefix = SUBJECTS.prefix,
  ): Promise<void> {
    const service = await new Svcm(nc).add({
      name: 'ollama-worker',
      version: '0.0.0',
      metadata: workerServiceMetadata('ollama', `ollama-worker-${workers.length}`, prefix),
    });
    models.forEach((model, i) =>
      service.addEndpoint(`chat_${i}`, {
        subject: `test.worker${workers.length}.model${i}`,
        metadata: workerEndpointMetadata(model),
        handler: () => undefined,
      }),
    );
    workers.push(service);
  }

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
    nc = await connect({ servers: nats.url });
  });

  afterEach(async () => {
    await Promise.all(workers.map((service) => service.stop()));
    workers = [];
  });

  afterAll(async () => {
    await closeConnection(nc);
    await nats?.stop();
  });

  it('is the preferred model when a worker serves it', async () => {
    await worker([chatter('aaa:1b'), chatter('llama3.2:latest')]);
    expect(await chatModelToTry(nc, SUBJECTS, 'llama3.2:latest', 2_000)).toBe('llama3.2:latest');
  });

  it('is the first chat model by name otherwise, over every worker, past embedders and aliases', async () => {
    await worker([EMBEDDER, chatter('qwen3:0.6b')]);
    await worker([Object.assign(chatter('gemma'), { aliasOf: 'gemma:latest' }), chatter('phi4')]);
    expect(await chatModelToTry(nc, SUBJECTS, 'llama3.2:latest', 2_000)).toBe('phi4');
  });

  it("leaves out the workers of another fleet's subject prefix on the same NATS", async () => {
    await worker([chatter('aaa:1b')], 'acme.ai');
    await worker([chatter('qwen3:0.6b')]);
    expect(await chatModelToTry(nc, SUBJECTS, 'llama3.2:latest', 2_000)).toBe('qwen3:0.6b');
  });

  it('is undefined when the workers serve only embedding models', async () => {
    await worker([EMBEDDER]);
    expect(await chatModelToTry(nc, SUBJECTS, 'llama3.2:latest', 2_000)).toBeUndefined();
  });

  it('is undefined when no worker answers', async () => {
    expect(await chatModelToTry(nc, SUBJECTS, 'llama3.2:latest', 500)).toBeUndefined();
  });
});
