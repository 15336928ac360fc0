import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const messages = [{ role: 'user' as const, content: 'Name a river.' }];

// Ollama generates one request at a time by default (OLLAMA_NUM_PARALLEL=1), so of the n requests
// the gateway makes for n choices, the second starts only once the first has ended. A streamed
// answer must not hold the first choice's tokens back until then: the client would see nothing
// for a whole generation, and one that gives up meanwhile has paid for it.
describe('a streamed answer of several choices from a backend that runs one at a time', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama', sim: { tokensPerSecond: 20, maxConcurrency: 1 } }],
    });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('streams the first choice while the others wait their turn, then theirs', async () => {
    const sim = fleet.sim('ollama');
    const plan = expectedCompletion({ model: MODEL, messages });
    const before = sim.stats();
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      n: 2,
      stream: true,
    });
    const texts = ['', ''];
    /** What the backend had done when the first content reached the client. */
    let atFirstContent: { completed: number; waiting: number } | undefined;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        const piece = choice.delta.content ?? '';
        if (piece !== '' && atFirstContent === undefined) {
          const { completed, waiting } = sim.stats();
          atFirstContent = { completed: completed - before.completed, waiting };
        }
        texts[choice.index] += piece;
      }
    }
    // The first choice's tokens came while it was generating, the second one queued behind it.
    expect(atFirstContent).toEqual({ completed: 0, waiting: 1 });
    expect(texts).toEqual([plan.text, plan.text]);
    expect(sim.stats().completed - before.completed).toBe(2);
  });
});
