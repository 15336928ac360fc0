import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const LIMITS = { max_messages: 3, max_prompt_tokens: 50, max_output_tokens: 8 };
const user = (content: string) => ({ role: 'user' as const, content });

/** The SDK's error for a call: its status, `param` and message. */
async function refusal(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('the request was not refused');
}

// gateway.limits: message count, estimated prompt tokens (characters / 4) and output tokens.
describe('request caps (gateway.limits)', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({ gateway: { limits: LIMITS } });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => fleet?.close());

  it('refuses max_tokens above the cap with 400 naming the field the client used and the cap', async () => {
    const tooMany = await refusal(
      client.chat.completions.create({ model: MODEL, messages: [user('Hi')], max_tokens: 9 }),
    );
    expect(tooMany).toBeInstanceOf(OpenAI.BadRequestError);
    expect(tooMany).toMatchObject({
      status: 400,
      param: 'max_tokens',
      type: 'invalid_request_error',
    });
    expect(tooMany.message).toContain('at most 8');
    const newer = await refusal(
      client.chat.completions.create({
        model: MODEL,
        messages: [user('Hi')],
        max_completion_tokens: 100,
      }),
    );
    expect(newer).toMatchObject({ status: 400, param: 'max_completion_tokens' });
    const completion = await refusal(
      client.completions.create({ model: MODEL, prompt: 'Hi', max_tokens: 50 }),
    );
    expect(completion).toMatchObject({ status: 400, param: 'max_tokens' });
  });

  it('gives a request without max_tokens the cap, and answers one within it', async () => {
    const messages = [user('Tell me a long story.')];
    expect(expectedCompletion({ model: MODEL, messages }).completionTokens).toBeGreaterThan(8);
    const capped = await client.chat.completions.create({ model: MODEL, messages });
    expect(capped.choices[0]?.message.content).toBe(
      expectedCompletion({ model: MODEL, messages, maxTokens: 8 }).text,
    );
    expect(capped.usage?.completion_tokens).toBe(8);
    const within = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 8 });
    expect(within.choices[0]?.finish_reason).toBe('length');
  });

  it('refuses more messages than max_messages, and prompts estimated above max_prompt_tokens', async () => {
    const messages = [user('a'), user('b'), user('c'), user('d')];
    const count = await refusal(client.chat.completions.create({ model: MODEL, messages }));
    expect(count).toMatchObject({ status: 400, param: 'messages' });
    expect(count.message).toContain('at most 3');
    // 201 characters is 51 estimated tokens, one above the cap; 200 is exactly 50.
    const long = await refusal(
      client.chat.completions.create({ model: MODEL, messages: [user('x'.repeat(201))] }),
    );
    expect(long).toMatchObject({ status: 400, param: 'messages' });
    expect(long.message).toMatch(/about 51 tokens.*at most 50/);
    const prompt = await refusal(
      client.completions.create({ model: MODEL, prompt: 'y'.repeat(201), max_tokens: 1 }),
    );
    expect(prompt).toMatchObject({ status: 400, param: 'prompt' });
    // A prompt of token ids is counted, not estimated: 51 ids are 51 tokens. And each prompt of
    // a list is capped, not only the first.
    const ids = await refusal(
      client.completions.create({ model: MODEL, prompt: Array(51).fill(7), max_tokens: 1 }),
    );
    expect(ids.message).toMatch(/about 51 tokens.*at most 50/);
    const second = await refusal(
      client.completions.create({
        model: MODEL,
        prompt: ['short', 'y'.repeat(201)],
        max_tokens: 1,
      }),
    );
    expect(second).toMatchObject({ status: 400, param: 'prompt' });
    const fits = await client.chat.completions.create({
      model: MODEL,
      messages: [user('x'.repeat(200))],
      max_tokens: 1,
    });
    expect(fits.choices).toHaveLength(1);
  });

  it('answers the Ollama routes with 400 {"error"} naming num_predict, messages or prompt', async () => {
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${fleet.url}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { error?: unknown } };
    };
    const predict = await post('/api/chat', {
      model: MODEL,
      messages: [user('Hi')],
      options: { num_predict: 9 },
      stream: false,
    });
    expect(predict).toEqual({
      status: 400,
      body: { error: expect.stringContaining('options.num_predict') },
    });
    const count = await post('/api/chat', {
      model: MODEL,
      messages: [user('a'), user('b'), user('c'), user('d')],
    });
    expect(count).toEqual({ status: 400, body: { error: expect.stringContaining('at most 3') } });
    const prompt = await post('/api/generate', { model: MODEL, prompt: 'z'.repeat(400) });
    expect(prompt).toEqual({ status: 400, body: { error: expect.stringContaining('at most 50') } });
    const fine = await post('/api/generate', { model: MODEL, prompt: 'Hi', stream: false });
    expect(fine.status).toBe(200);
  });

  it('caps the Responses and Anthropic routes by the fields those APIs name', async () => {
    const output = await refusal(
      client.responses.create({ model: MODEL, input: 'Hi', max_output_tokens: 9 }),
    );
    expect(output).toMatchObject({ status: 400, param: 'max_output_tokens' });
    const items = await refusal(
      client.responses.create({
        model: MODEL,
        input: [user('a'), user('b'), user('c'), user('d')],
      }),
    );
    expect(items).toMatchObject({ status: 400, param: 'input' });
    const capped = await client.responses.create({ model: MODEL, input: 'Tell me a long story.' });
    expect([capped.status, capped.usage?.output_tokens]).toEqual(['incomplete', 8]);

    const anthropic = await fetch(`${fleet.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: MODEL, max_tokens: 9, messages: [user('Hi')] }),
    });
    expect(anthropic.status).toBe(400);
    expect(await anthropic.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('at most 8') },
      request_id: anthropic.headers.get('request-id'),
    });
  });
});
