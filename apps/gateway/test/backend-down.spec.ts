import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS, waitFor } from '@switchyard/testing';
import OpenAI, { APIError, NotFoundError } from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const messages = [{ role: 'user' as const, content: 'Hi' }];

// A backend something else runs (an Ollama under systemd, being restarted) goes down: its worker
// stops serving its models at its next listing, while discovery keeps them on the backend's
// registry entry, marked offline, until the entry expires (discovery.entry_ttl_ms).
describe('the model of a backend that is down', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({ backends: [{ kind: 'ollama' }], discovery: true });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  const refusal = (model: string) =>
    client.chat.completions.create({ model, messages }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

  it('is a retryable 503 naming the backend, not a 404 a client takes as final', async () => {
    await client.chat.completions.create({ model: MODEL, messages });
    await fleet.sim('ollama').close();
    await waitFor(
      async () => !(await client.models.list()).data.some((model) => model.id === MODEL),
      { description: 'the worker to stop serving the model of the backend that went down' },
    );

    const down = await refusal(MODEL);
    expect(down).toBeInstanceOf(APIError);
    expect(down).toMatchObject({ status: 503, code: 'backend_unavailable' });
    expect((down as APIError).message).toMatch(
      /model "llama3\.2:latest" is served by backend ollama-0, which is offline now: try again once it is back/,
    );
    expect((down as APIError).headers?.get('retry-after')).toBe('1');
    // A model no backend ever had is still not found.
    expect(await refusal('never-served')).toBeInstanceOf(NotFoundError);
  });

  // The scrape during the outage must show it: the model's series are not dropped as a model
  // the fleet stopped serving while the registry still lists it on the backend that is down.
  it('counts its 503s under the model in /metrics', async () => {
    await waitFor(
      async () => !(await client.models.list()).data.some((model) => model.id === MODEL),
      { description: 'the worker to stop serving the model of the backend that went down' },
    );
    const series = `switchyard_gateway_requests_total{route="/v1/chat/completions",model="${MODEL}",status="503"}`;
    const count = async (): Promise<number> => {
      const text = await (await fetch(`${fleet.url}/metrics`)).text();
      const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
      return line === undefined ? 0 : Number(line.slice(series.length + 1));
    };
    const before = await count();
    expect(await refusal(MODEL)).toMatchObject({ status: 503 });
    expect(await count()).toBe(before + 1);
    expect(await count()).toBe(before + 1);
  });
});
