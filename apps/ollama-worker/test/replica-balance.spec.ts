import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { chatRequest, plainMessages, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { MODELS, startOllamaTestbed, type OllamaTestbed } from './support/ollama-testbed.js';

// 400 requests make ±20 % a 4-sigma band: a fair random split misses it once in ~15,000 runs.
const REQUESTS = 400;
const AT_ONCE = 16;

describe('two Ollama worker replicas in front of two backends of the same model', () => {
  let bed: OllamaTestbed;

  beforeAll(async () => {
    bed = await startOllamaTestbed({
      backends: [{ maxConcurrency: 4 }, { maxConcurrency: 4 }],
      worker: false,
    });
    for (const backend of bed.backends) await bed.startWorker([backend]);
  });

  afterAll(async () => {
    await bed?.close();
  });

  it(`share ${REQUESTS} requests within 20 % of even, every answer exact`, async () => {
    const prompts = Array.from({ length: REQUESTS }, (_v, i) => `Question number ${i}`);
    const byWorker = new Map<string, number>();
    for (let next = 0; next < prompts.length; next += AT_ONCE) {
      await Promise.all(
        prompts.slice(next, next + AT_ONCE).map(async (prompt) => {
          const request = chatRequest(MODELS.chat, prompt, { max_tokens: 4 });
          const result = await bed.client.collect(bed.subjects.chat(MODELS.chat), request, {
            timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
          });
          const plan = expectedCompletion({
            model: MODELS.chat,
            messages: plainMessages(request.messages),
            maxTokens: 4,
          });
          expect(result.text).toBe(plan.text);
          byWorker.set(result.start.worker, (byWorker.get(result.start.worker) ?? 0) + 1);
        }),
      );
    }

    const perBackend = bed.backends.map((backend) => backend.stats().completed);
    console.log('Ollama replica split (per backend):', perBackend, 'per worker:', byWorker);
    expect(perBackend.reduce((a, b) => a + b)).toBe(REQUESTS);
    for (const count of perBackend) {
      expect(count).toBeGreaterThanOrEqual((REQUESTS / 2) * 0.8);
      expect(count).toBeLessThanOrEqual((REQUESTS / 2) * 1.2);
    }
    // Each replica sent everything it took to its own backend.
    expect([...byWorker.values()].sort()).toEqual([...perBackend].sort());
  });
});
