import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import type { RunningSimulator } from '../src/index.js';
import { eventually, postJson, startFastSimulator } from './support/http.js';

// A client that closes the connection mid-stream stops the generation at once and is counted
// as aborted: this is how other projects prove that cancellation reached the backend.
describe('client aborts', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    // 20 tokens per second: a full answer would take 800 ms.
    sim = await startFastSimulator({
      kind: 'ollama',
      models: ['m'],
      tokensPerSecond: 20,
      maxConcurrency: 1,
    });
  });
  afterAll(() => sim.close());

  it('stops generating when the client leaves mid-stream, and counts it', async () => {
    const controller = new AbortController();
    const response = await postJson(
      `${sim.url}/api/chat`,
      { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
      { signal: controller.signal },
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const abortedAt = Date.now();
    controller.abort();
    // Had the generation gone on, the answer would have completed instead (completed: 1 below).
    await eventually(() => sim.stats().aborted === 1, 1000 + SCHEDULING_SLACK_MS);
    expect(Date.now() - abortedAt).toBeLessThan(1000 + SCHEDULING_SLACK_MS);
    expect(sim.stats().models['m:latest']).toMatchObject({
      received: 1,
      active: 0,
      aborted: 1,
      completed: 0,
    });
  });

  it('counts a request abandoned while queued, and frees its queue place', async () => {
    sim.resetStats();
    sim.setFaults({ hangMs: -1 });
    const holder = new AbortController();
    const queued = new AbortController();
    const body = { model: 'm', prompt: 'x', stream: false };
    const first = postJson(`${sim.url}/api/generate`, body, { signal: holder.signal }).catch(
      () => undefined,
    );
    await eventually(() => sim.stats().active === 1);
    const second = postJson(`${sim.url}/api/generate`, body, { signal: queued.signal }).catch(
      () => undefined,
    );
    await eventually(() => sim.stats().waiting === 1);
    queued.abort();
    await eventually(() => sim.stats().aborted === 1 && sim.stats().waiting === 0);
    holder.abort();
    await Promise.all([first, second]);
    await eventually(() => sim.stats().aborted === 2 && sim.stats().active === 0);
    sim.clearFaults();
  });
});
