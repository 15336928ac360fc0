import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  base64ToFloat32,
  embedText,
  expectedCompletion,
  type RunningSimulator,
} from '../src/index.js';
import { postJson, startFastSimulator } from './support/http.js';

// vLLM's plain answers (reference §3.3, §3.5): pydantic dumps every field, nulls included.
describe('vLLM responses', () => {
  let chat: RunningSimulator;
  let embed: RunningSimulator;
  beforeAll(async () => {
    [chat, embed] = await Promise.all([
      startFastSimulator({ kind: 'vllm', models: ['my-model'] }),
      startFastSimulator({ kind: 'vllm', models: ['intfloat/e5-small'] }),
    ]);
  });
  afterAll(() => Promise.all([chat.close(), embed.close()]));
  const messages = [{ role: 'user', content: 'Hello' }];

  it('answers a chat completion with every field of the pydantic model', async () => {
    const body = (await (
      await postJson(`${chat.url}/v1/chat/completions`, { model: 'my-model', messages })
    ).json()) as Record<string, unknown>;
    const expected = expectedCompletion({ model: 'my-model', messages });
    expect(body).toEqual({
      id: expect.stringMatching(/^chatcmpl-[0-9a-f]{32}$/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'my-model',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: expected.text,
            refusal: null,
            annotations: null,
            audio: null,
            function_call: null,
            tool_calls: [],
            reasoning_content: null,
          },
          logprobs: null,
          finish_reason: 'stop',
          stop_reason: null,
        },
      ],
      service_tier: null,
      system_fingerprint: null,
      usage: {
        prompt_tokens: expected.promptTokens,
        total_tokens: expected.promptTokens + expected.completionTokens,
        completion_tokens: expected.completionTokens,
        prompt_tokens_details: null,
      },
      prompt_logprobs: null,
      kv_transfer_params: null,
    });
  });

  it('answers one completion choice per prompt, including token-id prompts', async () => {
    const tokens = (await (
      await postJson(`${chat.url}/tokenize`, { prompt: 'Once upon' })
    ).json()) as { tokens: number[]; count: number };
    expect(tokens.count).toBe(2);
    const twice = (await (await postJson(`${chat.url}/tokenize`, { prompt: 'Twice' })).json()) as {
      tokens: number[];
    };
    const body = (await (
      await postJson(`${chat.url}/v1/completions`, {
        model: 'my-model',
        prompt: [tokens.tokens, twice.tokens],
      })
    ).json()) as { choices: { index: number; text: string }[] };
    expect(body.choices.map((c) => c.text)).toEqual([
      expectedCompletion({ model: 'my-model', prompt: 'Once upon' }).text,
      expectedCompletion({ model: 'my-model', prompt: 'Twice' }).text,
    ]);
    const text = await (await postJson(`${chat.url}/detokenize`, { tokens: tokens.tokens })).json();
    expect(text).toEqual({ prompt: 'Once upon' });
  });

  it('embeds with a pooling model in float or base64, and refuses a generative one', async () => {
    const model = 'intfloat/e5-small';
    const float = (await (
      await postJson(`${embed.url}/v1/embeddings`, { model, input: ['a'] })
    ).json()) as Record<string, unknown>;
    expect(float).toMatchObject({
      object: 'list',
      model,
      usage: {
        prompt_tokens: 1,
        total_tokens: 1,
        completion_tokens: 0,
        prompt_tokens_details: null,
      },
    });
    expect(float.id).toMatch(/^embd-/);
    const vector = Array.from(embedText({ model, text: 'a' }));
    expect((float.data as { embedding: number[] }[])[0]?.embedding).toEqual(vector);
    const base64 = (await (
      await postJson(`${embed.url}/v1/embeddings`, { model, input: 'a', encoding_format: 'base64' })
    ).json()) as {
      data: { embedding: string }[];
    };
    expect(Array.from(base64ToFloat32(base64.data[0]?.embedding ?? ''))).toEqual(vector);
    const refused = await postJson(`${chat.url}/v1/embeddings`, { model: 'my-model', input: 'a' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: {
        message: 'The model does not support Embeddings API',
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
    });
  });
});
