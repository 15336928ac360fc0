import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { startOrchestratedFleet, type OrchestratedFleet } from './support/orchestrated-fleet.js';

const IDLE_TTL_MS = 2_000;

// A request for a model only a stopped managed backend can serve starts it, and is answered.
describe('a model served by a stopped managed backend', () => {
  let fleet: OrchestratedFleet;
  let openai: OpenAI;
  /** Before the first request: no use of the backend is earlier. */
  let askedAt: number;

  beforeAll(async () => {
    fleet = await startOrchestratedFleet({ backend: { idle_ttl_ms: IDLE_TTL_MS } });
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await fleet.close();
  });

  it('is listed while stopped, as its backend serves it, and not as loaded', async () => {
    const listed = [];
    for await (const model of openai.models.list()) listed.push(model);
    // Configured as `llama3.2`: Ollama serves it as `llama3.2:latest`.
    expect(listed).toEqual([expect.objectContaining({ id: 'llama3.2:latest', kinds: ['ollama'] })]);
    expect(await openai.models.retrieve('llama3.2:latest')).toMatchObject({ owned_by: 'ollama' });

    const ollama = new Ollama({ host: fleet.url });
    const tags = await ollama.list();
    expect(tags.models.map((model) => model.name)).toEqual(['llama3.2:latest']);
    expect((await ollama.ps()).models).toEqual([]);
    // Ollama's CLI shows a model before running it (and pulls one that is not found).
    expect(await ollama.show({ model: 'llama3.2' })).toMatchObject({ kinds: ['ollama'] });
    // Listing asked nothing of the backend: it is still stopped.
    expect(fleet.events).toEqual([]);
  });

  it('is started by the first request, which is answered', async () => {
    expect(fleet.events).toEqual([]);
    askedAt = Date.now();
    const completion = await openai.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(await fleet.statesOnceThere(2)).toEqual(['starting', 'ready']);
    const metrics = await (await fetch(`${fleet.url}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_gateway_starts_on_demand_total 1\b/);
  });

  it('is stopped again once idle for its TTL', async () => {
    const stopped = await fleet.waitForEvent('stopped');
    expect(Date.parse(stopped.at) - askedAt).toBeGreaterThanOrEqual(IDLE_TTL_MS);
    expect(fleet.orchestrator.logs().some((l) => l['msg'] === 'stopping an idle backend')).toBe(
      true,
    );
  });

  it('still answers 404 for a model nothing can serve', async () => {
    const error = await openai.chat.completions
      .create({ model: 'nowhere:1b', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });
});
