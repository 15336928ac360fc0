import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSimulator, SimStats } from '../src/index.js';
import { postJson, startFastSimulator } from './support/http.js';

// The /_sim endpoints, the same on every kind: stats, stats reset, models added at run time.
describe('the /_sim endpoints', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({ kind: 'lmstudio', models: ['m'] });
  });
  afterAll(() => sim.close());

  it('reports stats in total and per model, and resets them', async () => {
    await (
      await postJson(`${sim.url}/v1/completions`, { model: 'm', prompt: 'Hello there' })
    ).json();
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as SimStats;
    const counters = {
      received: 1,
      active: 0,
      waiting: 0,
      completed: 1,
      aborted: 0,
      failed: 0,
      rejected: 0,
      maxActive: 1,
    };
    expect(stats).toMatchObject({ http: 2, ...counters, promptTokens: 2, completionTokens: 16 });
    expect(stats.models).toEqual({ m: { ...counters, promptTokens: 2, completionTokens: 16 } });
    const reset = (await (await postJson(`${sim.url}/_sim/stats/reset`, {})).json()) as SimStats;
    expect(reset).toMatchObject({ received: 0, completed: 0, maxActive: 0 });
  });

  it('adds and removes models at run time, as if downloaded', async () => {
    const added = await postJson(`${sim.url}/_sim/models`, { name: 'fresh-model' });
    expect(await added.json()).toEqual({
      models: [
        { name: 'm', state: 'loaded', expiresAt: expect.any(String) },
        { name: 'fresh-model', state: 'unloaded', expiresAt: null },
      ],
    });
    const listed = (await (await fetch(`${sim.url}/v1/models`)).json()) as {
      data: { id: string }[];
    };
    expect(listed.data.map((m) => m.id)).toEqual(['m', 'fresh-model']);
    expect((await fetch(`${sim.url}/_sim/models/fresh-model`, { method: 'DELETE' })).status).toBe(
      200,
    );
    expect(sim.models().map((m) => m.name)).toEqual(['m']);
  });
});
