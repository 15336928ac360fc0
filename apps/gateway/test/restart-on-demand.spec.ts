import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { statusAnswerSchema, Subjects } from '@switchyard/contracts';
import { pauseProcess, resumeProcess } from '@switchyard/testing';
import OpenAI from 'openai';
import { startOrchestratedFleet, type OrchestratedFleet } from './support/orchestrated-fleet.js';

/** Well beyond what the gateway's three tries take (100 and 200 ms of backoff), even at −20 %. */
const RESTART_AFTER_MS = 3_000;

// A managed backend that crashed is restarted after a backoff. Until its worker's next refresh
// (5 s by default), or discovery's next check, the worker still serves its models: a request in
// that window finds a backend that does not answer, where it used to fail with 503.
describe('a request that finds its managed backend crashed', () => {
  let fleet: OrchestratedFleet;
  let openai: OpenAI;
  const ask = () =>
    openai.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Say hello' }],
    });

  beforeAll(async () => {
    fleet = await startOrchestratedFleet({
      orchestrator: { restart: { initial_backoff_ms: RESTART_AFTER_MS } },
      worker: { refresh_interval_ms: 60_000 },
    });
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
  });

  it('waits for the orchestrator to restart it, and is answered', async () => {
    // Started on demand; the worker lists the model once discovery sees the backend up.
    expect((await ask()).choices[0]?.message.content?.length).toBeGreaterThan(0);
    const reply = await fleet.nc.request(new Subjects().orchestrator('status'), '{}', {
      timeout: 5_000,
    });
    const [backend] = statusAnswerSchema.parse(reply.json()).backends;
    expect(backend).toMatchObject({ state: 'ready', pid: expect.any(Number) });
    const before = fleet.events.length;
    // Discovery has not seen the crash yet, whenever the request comes: the worker keeps the model.
    const discovery = fleet.discovery.child.pid as number;
    await pauseProcess(discovery);
    try {
      process.kill(backend?.pid as number, 'SIGKILL');
      await fleet.waitForEvent('restarting', before);
      const completion = await ask();

      expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    } finally {
      resumeProcess(discovery);
    }
    expect(fleet.events.slice(before).map((event) => event.state)).toEqual([
      'crashed',
      'restarting',
      'starting',
      'ready',
    ]);
    const metrics = await (await fetch(`${fleet.url}/metrics`)).text();
    // The first request's start, and the restart the second one waited for.
    expect(metrics).toMatch(/switchyard_gateway_starts_on_demand_total 2\b/);
  });
});
