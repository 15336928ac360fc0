import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
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
