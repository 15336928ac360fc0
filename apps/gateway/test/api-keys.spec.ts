import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Anthropic from '@anthropic-ai/sdk';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { Ollama } from 'ollama';
import OpenAI, { AuthenticationError, RateLimitError } from 'openai';
import { sha256Hex } from '../src/auth/api-key.policy.js';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const KEY = 'sk-switchyard-test-key';
/** A key limited to two requests a minute. */
const SLOW_KEY = 'sk-switchyard-slow-key';
const MODEL = 'llama3.2:latest';

describe('API keys', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama' }],
      gateway: {
        api_key_hashes: [sha256Hex(KEY), sha256Hex(SLOW_KEY)],
        rate_limit: { requests_per_minute: 600, per_key: { [sha256Hex(SLOW_KEY)]: 2 } },
      },
      apiKey: KEY,
    });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('admits the configured key and refuses a missing or wrong one with 401', async () => {
    const good = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const answer = await good.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 2,
    });
    expect(answer.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const bad = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(bad.models.list()).rejects.toBeInstanceOf(AuthenticationError);
    const ollama = await fetch(`${fleet.url}/api/tags`);
    expect(ollama.status).toBe(401);
    expect(await ollama.json()).toEqual({ error: expect.stringContaining('API key') });
    const withKey = new Ollama({ host: fleet.url, headers: { Authorization: `Bearer ${KEY}` } });
    expect((await withKey.list()).models.map((model) => model.name)).toContain(MODEL);
  });

  it('takes Anthropic clients’ x-api-key, and refuses a wrong one in Anthropic’s envelope', async () => {
    const good = new Anthropic({ baseURL: fleet.url, apiKey: KEY, maxRetries: 0 });
    const message = await good.messages.create({
      model: MODEL,
      max_tokens: 2,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content.length).toBeGreaterThan(0);
    const bad = new Anthropic({ baseURL: fleet.url, apiKey: 'sk-wrong', maxRetries: 0 });
    const refused = await bad.messages
      .create({ model: MODEL, max_tokens: 2, messages: [{ role: 'user', content: 'hi' }] })
      .catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((refused as InstanceType<typeof Anthropic.AuthenticationError>).type).toBe(
      'authentication_error',
    );
  });

  it('leaves the health probes open', async () => {
    expect((await fetch(`${fleet.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${fleet.url}/readyz`)).status).toBe(200);
  });

  it('limits each key to its rate with 429 and Retry-After, leaving other keys alone', async () => {
    const slow = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: SLOW_KEY, maxRetries: 0 });
    await slow.models.list();
    await slow.models.list();
    const refused = await slow.models.list().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitError);
    const headers = (refused as RateLimitError).headers;
    expect(Number(headers?.get('retry-after'))).toBeGreaterThanOrEqual(29);
    const ollama = await fetch(`${fleet.url}/api/tags`, {
      headers: { authorization: `Bearer ${SLOW_KEY}` },
    });
    expect(ollama.status).toBe(429);
    expect(await ollama.json()).toEqual({ error: expect.stringContaining('rate limit') });
    const fast = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: KEY, maxRetries: 0 });
    expect((await fast.models.list()).data.length).toBeGreaterThan(0);
  });
});
