import { describe, expect, it } from '@jest/globals';
import { chatRequestSchema } from './chat-request.js';
import { completionRequestSchema } from './completion-request.js';
import { embeddingRequestSchema } from './embedding-request.js';
import { modelNameSchema, requestIdSchema } from './request-common.js';

describe('canonical requests', () => {
  it('accept a full chat request with text and image parts, tools, format and passthrough options', () => {
    const request = {
      id: 'req_1',
      model: 'llava:13b',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', data: 'iVBORw0KGgo=', media_type: 'image/png' },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', name: 'look', arguments: '{"x":1}' }],
        },
        { role: 'tool', content: '{"ok":true}', tool_call_id: 'call_1' },
      ],
      tools: [{ name: 'look', parameters: { type: 'object' } }],
      tool_choice: 'auto',
      response_format: { type: 'json_schema', schema: { type: 'object' } },
      temperature: 0.2,
      seed: 42,
      stop: ['\n\n'],
      max_tokens: 64,
      timeout_ms: 30_000,
      options: { ollama: { num_ctx: 8192, keep_alive: '10m' }, vllm: { repetition_penalty: 1.1 } },
    };
    expect(chatRequestSchema.parse(request)).toEqual(request);
  });

  it('accept a completion with a system prompt and a response format, and keep them', () => {
    const request = {
      id: 'req_2',
      model: 'qwen3',
      prompt: 'Describe a user.',
      system: 'Answer in JSON.',
      response_format: { type: 'json_schema', name: 'user', schema: { type: 'object' } },
      max_tokens: 64,
    };
    expect(completionRequestSchema.parse(request)).toEqual(request);
    const format = completionRequestSchema.safeParse({
      ...request,
      response_format: { type: 'yaml' },
    });
    expect(format.error?.issues[0]?.path).toEqual(['response_format', 'type']);
    const system = completionRequestSchema.safeParse({ ...request, system: 7 });
    expect(system.error?.issues[0]?.path).toEqual(['system']);
  });

  it('take logprobs as how many alternatives per position, 0 to 20', () => {
    const chat = { id: 'r', model: 'm', messages: [{ role: 'user', content: 'x' }] };
    expect(chatRequestSchema.parse({ ...chat, logprobs: 0 })).toEqual({ ...chat, logprobs: 0 });
    expect(
      completionRequestSchema.parse({ id: 'r', model: 'm', prompt: 'x', logprobs: 20 }),
    ).toEqual({ id: 'r', model: 'm', prompt: 'x', logprobs: 20 });
    for (const logprobs of [21, -1, 1.5, true]) {
      const result = chatRequestSchema.safeParse({ ...chat, logprobs });
      expect(result.error?.issues[0]?.path).toEqual(['logprobs']);
    }
  });

  it('take logit_bias as biases from -100 to 100 keyed by decimal token ids, and say what is wrong', () => {
    const chat = { id: 'r', model: 'm', messages: [{ role: 'user', content: 'x' }] };
    const bias = { '0': -100, '50256': 100, '13': 2.5 };
    expect(chatRequestSchema.parse({ ...chat, logit_bias: bias })).toEqual({
      ...chat,
      logit_bias: bias,
    });
    const prompt = { id: 'r', model: 'm', prompt: 'x', logit_bias: bias };
    expect(completionRequestSchema.parse(prompt)).toEqual(prompt);
    const many = Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [String(i), 1]));
    const issueOf = (logit_bias: unknown) =>
      chatRequestSchema.safeParse({ ...chat, logit_bias }).error?.issues[0];
    expect(issueOf(many)).toMatchObject({
      path: ['logit_bias'],
      message: 'must hold at most 1024 tokens; this one holds 1025',
    });
    for (const key of ['a', '-1', '01', '1.5', ' 7']) {
      expect(issueOf({ [key]: 1 })).toMatchObject({
        path: ['logit_bias'],
        message: `must be keyed by token ids (decimal integers of 0 or more); "${key}" is not one`,
      });
    }
    expect(issueOf({ '7': 100.5 })?.message).toBe(
      'must hold biases from -100 to 100; token 7 has 100.5',
    );
    expect(issueOf({ '7': -101 })?.message).toBe(
      'must hold biases from -100 to 100; token 7 has -101',
    );
    expect(issueOf({ '7': '1' })?.path).toEqual(['logit_bias', '7']);
    expect(issueOf([1])?.path).toEqual(['logit_bias']);
  });

  it('reject what a backend could not serve, naming the field', () => {
    const result = chatRequestSchema.safeParse({
      id: 'r',
      model: 'm',
      messages: [{ role: 'robot', content: 'x' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['messages', 0, 'role']);
    expect(embeddingRequestSchema.safeParse({ id: 'r', model: 'm', input: [] }).success).toBe(
      false,
    );
  });

  it('reject a tool choice no answer can honour: required without tools, a tool not offered', () => {
    const chat = { id: 'r', model: 'm', messages: [{ role: 'user', content: 'x' }] };
    const tools = [{ name: 'get_weather' }];
    const issueOf = (extra: Record<string, unknown>) =>
      chatRequestSchema.safeParse(Object.assign({}, chat, extra)).error?.issues[0];
    expect(issueOf({ tool_choice: 'required' })).toMatchObject({
      path: ['tool_choice'],
      message: 'tool_choice "required" needs tools, and the request has none',
    });
    expect(issueOf({ tools, tool_choice: { name: 'nope' } })).toMatchObject({
      path: ['tool_choice'],
      message: 'tool_choice names the tool "nope", which is not in tools',
    });
    for (const choice of ['auto', 'none', 'required', { name: 'get_weather' }]) {
      expect(issueOf({ tools, tool_choice: choice })).toBeUndefined();
    }
    expect(issueOf({ tool_choice: 'auto' })).toBeUndefined();
  });

  it('accept model names with dots, colons, slashes and unicode, and refuse control characters', () => {
    for (const name of [
      'llama3.2:latest',
      'qwen/qwen3-4b',
      'hf.co/org/m:Q4_K_M',
      'модель',
      'a*b>c',
    ]) {
      expect(modelNameSchema.safeParse(name).success).toBe(true);
    }
    for (const name of ['', 'a\nb', ' padded', 'x'.repeat(257)]) {
      expect(modelNameSchema.safeParse(name).success).toBe(false);
    }
  });

  it('say what is wrong with a model that is missing or not a string', () => {
    const message = (value: unknown) => modelNameSchema.safeParse(value).error?.issues[0]?.message;
    expect(message(undefined)).toBe('model is required');
    expect(message('')).toBe('model is required');
    expect(message(5)).toBe('model must be a string');
    expect(message({ name: 'llama3.2' })).toBe('model must be a string');
  });

  it('keep request ids safe to put in a subject', () => {
    expect(requestIdSchema.safeParse('chatcmpl-abc_123').success).toBe(true);
    for (const id of ['a.b', 'a*', '>', 'with space', ''])
      expect(requestIdSchema.safeParse(id).success).toBe(false);
  });
});
