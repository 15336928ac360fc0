import { afterAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '../src/index.js';

// vLLM loads its model before it listens (reference §3.2): connections are refused during the
// load, and the first successful /health means ready.
describe('vLLM start-up', () => {
  let sim: RunningSimulator | undefined;
  afterAll(() => sim?.close());

  it('refuses connections until the load time has passed, then answers /health', async () => {
    const started = Date.now();
    sim = await startSimulator({
      kind: 'vllm',
      loadMs: 300,
      waitForReady: false,
      models: ['served-a', 'served-b'],
    });
    await expect(fetch(`${sim.url}/health`)).rejects.toMatchObject({
      cause: { code: 'ECONNREFUSED' },
    });
    await sim.ready;
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const health = await fetch(`${sim.url}/health`);
    expect([health.status, await health.text()]).toEqual([200, '']);
    expect((await fetch(`${sim.url}/ping`, { method: 'POST' })).status).toBe(200);
    expect(await (await fetch(`${sim.url}/version`)).json()).toEqual({
      version: expect.any(String),
    });
    const models = (await (await fetch(`${sim.url}/v1/models`)).json()) as {
      data: Record<string, unknown>[];
    };
    expect(models.data.map((m) => m.id)).toEqual(['served-a', 'served-b']);
    expect(models.data[1]).toMatchObject({
      object: 'model',
      owned_by: 'vllm',
      root: 'served-a',
      parent: null,
      max_model_len: 4096,
    });
    expect(sim.models()).toEqual([{ name: 'served-a', state: 'loaded' }]);
  });
});
