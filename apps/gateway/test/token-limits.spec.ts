import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { waitFor } from '@switchyard/testing';
import OpenAI from 'openai';
import { sha256Hex } from '../src/auth/api-key.policy.js';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const THRIFTY = 'sk-thrifty';
const OTHER = 'sk-other';
const BUDGET = 15;
const messages = [{ role: 'user' as const, content: 'Tell me about rivers.' }];

// gateway.rate_limit.tokens_per_minute: each API key's budget is charged with the usage its
// answers report; the answer that overspends finishes, the next request is refused.
describe('tokens per minute per API key', () => {
  let fleet: Fleet;
  const client = (key: string) =>
    new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: key, maxRetries: 0 });

  beforeAll(async () => {
    fleet = await startFleet({
      apiKey: THRIFTY,
      gateway: {
        api_key_hashes: [sha256Hex(THRIFTY), sha256Hex(OTHER)],
        rate_limit: { tokens_per_minute: BUDGET },
      },
    });
  });
  afterAll(() => fleet?.close());

  it('finishes the answer that overspends, then answers 429 with Retry-After for that key only', async () => {
    const plan = expectedCompletion({ model: MODEL, messages, maxTokens: 40 });
    expect(plan.promptTokens + plan.completionTokens).toBeGreaterThan(BUDGET);
    const thrifty = client(THRIFTY);
    const stream = await thrifty.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 40,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(plan.text);

    const refused = await thrifty.chat.completions
      .create({ model: MODEL, messages, max_tokens: 1 })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const error = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.message).toContain(`${BUDGET} tokens a minute`);
    // The budget is overdrawn and refills at a quarter of a token a second: seconds, not one.
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(2);

    const other = await client(OTHER).chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 1,
    });
    expect(other.choices).toHaveLength(1);
    // Listing models costs no tokens and is not refused.
    expect((await thrifty.models.list()).data.length).toBeGreaterThan(0);
  });
});

// An answer the client leaves before its end reports no usage; it is charged an estimate (the
// prompt's characters and the text sent, divided by 4), or reading all but the end of every
// answer and hanging up would have cost nothing.
describe('tokens per minute for answers the client leaves', () => {
  let fleet: Fleet;
  const LEAVER = 'sk-leaver';

  beforeAll(async () => {
    fleet = await startFleet({
      apiKey: LEAVER,
      // 20 tokens a second: the client has read ten well before the 40 asked for are done.
      backends: [{ kind: 'ollama', sim: { tokensPerSecond: 20, answerTokens: 100 } }],
      gateway: {
        api_key_hashes: [sha256Hex(LEAVER)],
        rate_limit: { tokens_per_minute: BUDGET },
      },
    });
  });
  afterAll(() => fleet?.close());

  it('charges what was sent, so the next request is refused once that overspends', async () => {
    const client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: LEAVER, maxRetries: 0 });
    const sim = fleet.sim('ollama');
    const before = sim.stats();
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: MODEL, messages, max_tokens: 40, stream: true },
      { signal: controller.signal },
    );
    let text = '';
    let chunks = 0;
    // The SDK ends the iteration quietly when its signal aborts.
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (++chunks === 10) controller.abort();
    }
    // The prompt (21 characters: 6 tokens) and ten words sent are more than the budget of 15.
    expect(Math.ceil(21 / 4) + Math.ceil(text.length / 4)).toBeGreaterThan(BUDGET);
    // The gateway cancels the answer once it has charged it.
    await waitFor(() => sim.stats().aborted > before.aborted, {
      description: 'the answer to be cancelled at the backend',
    });
    expect(sim.stats().completed).toBe(before.completed);

    const refused = await client.chat.completions
      .create({ model: MODEL, messages, max_tokens: 1 })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
  });
});
