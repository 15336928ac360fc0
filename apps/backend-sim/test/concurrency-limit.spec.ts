import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSimulator } from '../src/index.js';
import { postJson, startFastSimulator } from './support/http.js';

// --max-concurrency holds per model: extra requests wait in the queue and all complete.
describe('concurrency limit', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({
      kind: 'lmstudio',
      models: ['a-model', 'b-model'],
      maxConcurrency: 2,
      ttftMs: 40,
    });
  });
  afterAll(() => sim.close());

  it('never runs more than the limit per model, and counts each model apart', async () => {
    const ask = (model: string) =>
      postJson(`${sim.url}/v1/chat/completions`, {
        model,
        messages: [{ role: 'user', content: 'Hi' }],
      });
    const responses = await Promise.all(
      [...Array(5)].map(() => ask('a-model')).concat([ask('b-model')]),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const stats = sim.stats();
    expect(stats.models['a-model']).toMatchObject({
      received: 5,
      completed: 5,
      maxActive: 2,
      active: 0,
      waiting: 0,
    });
    expect(stats.models['b-model']).toMatchObject({ received: 1, completed: 1, maxActive: 1 });
    expect(stats.maxActive).toBe(3);
  });
});
