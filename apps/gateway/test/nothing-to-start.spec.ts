import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureCommandSchema, Subjects, SwitchyardError } from '@switchyard/contracts';
import { connectNats, StreamServer, type NatsConnection } from '@switchyard/nats';
import { closeConnection, PROCESS_HOOK_TIMEOUT_MS, tearDown } from '@switchyard/testing';
import OpenAI, { NotFoundError } from 'openai';
import { NOTHING_TO_START_TTL_MS } from '../src/orchestration/orchestrator-client.service.js';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

// A client that keeps asking for a model nobody serves (a typo in its configuration) gets its
// 404s without an orchestrator request each: the orchestrator's "nothing to start" is believed
// for a few seconds.
describe('a model the orchestrator has nothing to start for', () => {
  let fleet: Fleet;
  let nc: NatsConnection;
  let server: StreamServer;
  let client: OpenAI;
  const ensured: string[] = [];

  beforeAll(async () => {
    fleet = await startFleet({ backends: [{ kind: 'ollama' }] });
    nc = await connectNats({ servers: [fleet.nats.url] }, { name: 'fake-orchestrator' });
    const subjects = new Subjects();
    server = new StreamServer(nc, {
      subjects,
      workerId: 'fake-orchestrator',
      heartbeatIntervalMs: 1_000,
      defaultTimeoutMs: 10_000,
    });
    // As the orchestrator answers when no managed backend lists the model.
    server.serve(
      subjects.orchestrator('ensure'),
      { schema: ensureCommandSchema, queue: 'orchestrator' },
      async (command) => {
        ensured.push(command.model);
        throw new SwitchyardError('model_not_found', `no managed backend serves ${command.model}`);
      },
    );
    await nc.flush();
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await tearDown(
      async () => server?.stop({ graceMs: 0 }),
      () => closeConnection(nc),
      async () => fleet?.close(),
    );
  });

  const ask = (model: string): Promise<unknown> =>
    client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);

  it('asks the orchestrator once for a run of requests, and answers each with a 404', async () => {
    const errors = [await ask('typo:1b'), await ask('typo:1b'), await ask('typo:1b')];
    for (const error of errors) expect(error).toBeInstanceOf(NotFoundError);
    expect(ensured).toEqual(['typo:1b']);

    expect(await ask('other-typo:1b')).toBeInstanceOf(NotFoundError);
    expect(ensured).toEqual(['typo:1b', 'other-typo:1b']);
  });

  it('asks again once the answer is older than its time to live', async () => {
    await new Promise((resolve) => setTimeout(resolve, NOTHING_TO_START_TTL_MS + 100));
    expect(await ask('typo:1b')).toBeInstanceOf(NotFoundError);
    expect(ensured).toEqual(['typo:1b', 'other-typo:1b', 'typo:1b']);
  });
});
