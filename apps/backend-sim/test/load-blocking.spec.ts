import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSimulator } from '../src/index.js';
import { postJson, startFastSimulator } from './support/http.js';

// The first request to an unloaded model blocks for the load time and reports it as
// load_duration; later requests find the model loaded.
describe('model load blocking', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({
      kind: 'ollama',
      models: ['m'],
      loadMs: 200,
      maxConcurrency: 4,
    });
  });
  afterAll(() => sim.close());

  it('blocks the requests that arrive during one load, then answers from the loaded model', async () => {
    const generate = async () => {
      const started = performance.now();
      const body = (await (
        await postJson(`${sim.url}/api/generate`, { model: 'm', prompt: 'x', stream: false })
      ).json()) as {
        load_duration: number;
      };
      return { ms: performance.now() - started, loadNs: body.load_duration };
    };
    const both = await Promise.all([generate(), generate()]);
    for (const result of both) {
      // Both were sent before the load began, so both wait for all of it.
      expect(result.ms).toBeGreaterThanOrEqual(190);
      // Each reports its own wait for the load, as Ollama does: the request that came second
      // (by a few ms on a busy machine) waited that much less.
      expect(result.loadNs).toBeGreaterThan(0);
      expect(result.loadNs).toBeLessThanOrEqual(result.ms * 1_000_000);
    }
    // The request that started the load waited for the whole of it.
    expect(Math.max(...both.map((result) => result.loadNs))).toBeGreaterThanOrEqual(190_000_000);
    const later = await generate();
    expect(later.loadNs).toBeGreaterThan(0);
    expect(later.loadNs).toBeLessThan(50_000_000);
    expect(sim.models()).toEqual([{ name: 'm:latest', state: 'loaded' }]);
  });
});
