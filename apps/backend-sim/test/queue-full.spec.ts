import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSimulator } from '../src/index.js';
import { eventually, postJson, startFastSimulator } from './support/http.js';

// Past --max-concurrency plus --queue waiting requests, a request is refused at once: Ollama's
// own 503 text, and (simulator behaviour) a 503 envelope on vLLM.
describe('queue full', () => {
  let ollama: RunningSimulator;
  let vllm: RunningSimulator;
  beforeAll(async () => {
    const options = { maxConcurrency: 1, queue: 1, ttftMs: 300 };
    [ollama, vllm] = await Promise.all([
      startFastSimulator({ kind: 'ollama', models: ['m'], ...options }),
      startFastSimulator({ kind: 'vllm', models: ['m'], ...options }),
    ]);
  });
  afterAll(() => Promise.all([ollama.close(), vllm.close()]));

  const fill = async (sim: RunningSimulator, url: string, body: unknown) => {
    const running = [postJson(url, body), postJson(url, body)];
    await eventually(() => sim.stats().active === 1 && sim.stats().waiting === 1);
    const refused = await postJson(url, body);
    await Promise.all(running);
    return refused;
  };

  it('answers Ollama 503 server busy', async () => {
    const refused = await fill(ollama, `${ollama.url}/api/generate`, {
      model: 'm',
      prompt: 'x',
      stream: false,
    });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      error: 'server busy, please try again.  maximum pending requests exceeded',
    });
    expect(ollama.stats().models['m:latest']).toMatchObject({
      received: 3,
      completed: 2,
      rejected: 1,
    });
  });

  it('answers vLLM 503 in its error envelope', async () => {
    const refused = await fill(vllm, `${vllm.url}/v1/completions`, { model: 'm', prompt: 'x' });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({
      error: { type: 'ServiceUnavailableError', code: 503 },
    });
  });
});
