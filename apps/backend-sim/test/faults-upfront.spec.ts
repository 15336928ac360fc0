import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSimulator } from '../src/index.js';
import { postJson, startFastSimulator } from './support/http.js';

// Faults switched at run time over HTTP (POST /_sim/faults): error answers in each kind's
// shape before any output, and a hang before the first token.
describe('up-front faults', () => {
  let ollama: RunningSimulator;
  let lmstudio: RunningSimulator;
  beforeAll(async () => {
    [ollama, lmstudio] = await Promise.all([
      startFastSimulator({ kind: 'ollama', models: ['m'] }),
      startFastSimulator({ kind: 'lmstudio', models: ['m'] }),
    ]);
  });
  afterAll(() => Promise.all([ollama.close(), lmstudio.close()]));

  it('answers every request with the chosen status while errorRate is 1', async () => {
    const set = await postJson(`${ollama.url}/_sim/faults`, { errorRate: 1, errorStatus: 503 });
    expect(await set.json()).toMatchObject({ errorRate: 1, errorStatus: 503 });
    const failed = await postJson(`${ollama.url}/api/chat`, {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ error: expect.any(String) });
    expect(ollama.stats().failed).toBe(1);
    expect((await fetch(`${ollama.url}/_sim/faults`, { method: 'DELETE' })).status).toBe(200);
    const ok = await postJson(`${ollama.url}/api/chat`, {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(ok.status).toBe(200);
    await ok.text();
    const bad = await postJson(`${ollama.url}/_sim/faults`, { errorRate: 7 });
    expect([bad.status, await bad.json()]).toEqual([
      400,
      { error: 'errorRate must be a number from 0 to 1' },
    ]);
  });

  it('shapes the simulated 500 as the kind does', async () => {
    lmstudio.setFaults({ errorRate: 1 });
    const failed = await postJson(`${lmstudio.url}/v1/chat/completions`, {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({
      error: { type: 'server_error', param: null, code: null },
    });
    lmstudio.clearFaults();
  });

  it('hangs before the first token for hangMs', async () => {
    ollama.setFaults({ hangMs: 150 });
    const started = Date.now();
    const response = await postJson(`${ollama.url}/api/generate`, {
      model: 'm',
      prompt: 'x',
      stream: false,
    });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    ollama.clearFaults();
  });
});
