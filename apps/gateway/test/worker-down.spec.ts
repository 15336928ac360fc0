import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS, waitFor } from '@switchyard/testing';
import OpenAI, { APIError } from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const messages = [{ role: 'user' as const, content: 'Hi' }];

// The worker of a backend that is up dies (SIGKILL, out of memory) and its restart is slow:
// discovery still lists the model on the healthy backend, but no worker serves it. The fleet
// failed, not the client, which must not hear that the model does not exist, and the operator's
// count of 5xx answers must see it.
describe('the model of a backend whose worker is down', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({ backends: [{ kind: 'ollama' }], discovery: true });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('is a retryable 503 naming the backend, counted under the model', async () => {
    await client.chat.completions.create({ model: MODEL, messages });
    // Listed just now: the gateway goes on listing the worker's models for a few seconds.
    expect((await client.models.list()).data.some((model) => model.id === MODEL)).toBe(true);
    await fleet.workers[0]?.stop('SIGKILL');
    // At once, while the model is still listed: nothing answers on its subject.
    const gone = await client.chat.completions.create({ model: MODEL, messages }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(gone).toMatchObject({ status: 503, code: 'no_responders' });
    const series = `switchyard_gateway_requests_total{route="/v1/chat/completions",model="${MODEL}",status="503"}`;
    expect(await (await fetch(`${fleet.url}/metrics`)).text()).toContain(`${series} 1`);
    await waitFor(
      async () => !(await client.models.list()).data.some((model) => model.id === MODEL),
      { description: 'the gateway to stop listing the model of the worker that died' },
    );

    const down = await client.chat.completions.create({ model: MODEL, messages }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(down).toBeInstanceOf(APIError);
    expect(down).toMatchObject({ status: 503, code: 'backend_unavailable' });
    expect((down as APIError).message).toMatch(
      /model "llama3\.2:latest" is on backend ollama-0, which is healthy, but no ollama worker answers: try again once one does/,
    );
    expect(await (await fetch(`${fleet.url}/metrics`)).text()).toContain(`${series} 2`);
  });
});
