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
      const started = Date.now();
      const body = (await (
        await postJson(`${sim.url}/api/generate`, { model: 'm', prompt: 'x', stream: false })
      ).json()) as {
        load_duration: number;
      };
      return { ms: Date.now() - started, loadNs: body.load_duration };
    };
    const [first, second] = await Promise.all([generate(), generate()]);
    for (const result of [first, second]) {
      expect(result?.ms).toBeGreaterThanOrEqual(190);
      expect(result?.loadNs).toBeGreaterThanOrEqual(190_000_000);
    }
    const later = await generate();
    expect(later.loadNs).toBeGreaterThan(0);
    expect(later.loadNs).toBeLessThan(50_000_000);
    expect(sim.models()).toEqual([{ name: 'm:latest', state: 'loaded' }]);
  });
});
