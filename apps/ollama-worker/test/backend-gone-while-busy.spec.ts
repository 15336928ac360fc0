import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequest, PROCESS_HOOK_TIMEOUT_MS, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { MODELS, startOllamaTestbed, type OllamaTestbed } from './support/ollama-testbed.js';

/** What a request ended with: its end frame's finish reason, or its error's code. */
async function outcome(bed: OllamaTestbed, prompt: string): Promise<string> {
  try {
    let finish = '';
    for await (const frame of bed.client.stream(
      bed.subjects.chat(MODELS.chat),
      chatRequest(MODELS.chat, prompt),
      { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
    )) {
      if (frame.type === 'end') finish = frame.finish_reason;
    }
    return finish;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

// Two backends serve a model, one slot each. The second dies; the first request to find it gone
// fails (retryable), and sets it aside until it lists again. Requests that come while the first
// backend is busy must then wait for its slot, not go to the dead one, whose slot is always free.
describe('a backend found gone while the others are busy', () => {
  let bed: OllamaTestbed;

  beforeAll(async () => {
    const backend = { models: [MODELS.chat], tokensPerSecond: 20, answerTokens: 10, loadMs: 0 };
    bed = await startOllamaTestbed({
      backends: [backend, backend],
      // No listing during the test: the backend stays listed, and only set aside.
      worker: { maxConcurrency: 1, refreshIntervalMs: 600_000 },
    });
    await bed.backends[1]?.close();
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => bed?.close());

  it('queues them for the backend that answers', async () => {
    // Takes the first backend's slot for some 0.5 s.
    const first = outcome(bed, 'one');
    // The first backend is busy: this one goes to the second, finds it gone, and sets it aside.
    expect(await outcome(bed, 'two')).toBe('backend_unavailable');
    const later = await Promise.all([outcome(bed, 'three'), outcome(bed, 'four')]);
    expect({ first: await first, later }).toEqual({
      first: 'stop',
      later: ['stop', 'stop'],
    });
  }, 30_000);
});
