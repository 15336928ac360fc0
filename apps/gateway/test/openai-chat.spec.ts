import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { expectedCompletion } from '@switchyard/backend-sim';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const VLLM_MODEL = 'Qwen/Qwen2.5-0.5B-Instruct';
const tools = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, days: { type: 'integer' } },
        required: ['city'],
      },
    },
  },
];
const toolMessages = [{ role: 'user' as const, content: 'What is get_weather in Paris?' }];
const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Name a colour.' },
];

describe('OpenAI chat completions through the gateway (openai SDK)', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({ backends: [{ kind: 'ollama' }, { kind: 'vllm' }] });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('answers a plain request with the seeded text and usage', async () => {
    const plan = expectedCompletion({ model: MODEL, messages, maxTokens: 6 });
    const { data: completion, response } = await client.chat.completions
      .create({ model: MODEL, messages, max_tokens: 6 })
      .withResponse();
    expect(completion.choices[0]?.message.content).toBe(plan.text);
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage).toEqual({
      prompt_tokens: plan.promptTokens,
      completion_tokens: plan.completionTokens,
      total_tokens: plan.promptTokens + plan.completionTokens,
    });
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
    expect(Number(response.headers.get('x-switchyard-overhead-ms'))).toBeGreaterThanOrEqual(0);
  });

  it('streams the same text, the finish reason in its own chunk, and a usage chunk on request', async () => {
    const plan = expectedCompletion({ model: MODEL, messages });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishReasons: (string | null)[] = [];
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]) finishReasons.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(plan.text);
    expect(finishReasons.at(-1)).toBe('stop');
    expect(finishReasons.slice(0, -1).every((reason) => reason === null)).toBe(true);
    expect(usage).toEqual({
      prompt_tokens: plan.promptTokens,
      completion_tokens: plan.completionTokens,
      total_tokens: plan.promptTokens + plan.completionTokens,
    });
  });

  it('keeps a caller-chosen request id', async () => {
    const { response } = await client.chat.completions
      .create({ model: MODEL, messages, max_tokens: 1 }, { headers: { 'x-request-id': 'abc-123' } })
      .withResponse();
    expect(response.headers.get('x-request-id')).toBe('abc-123');
  });

  it('streams tool-call fragments with indices that assemble to the planned call', async () => {
    const plan = expectedCompletion({ model: VLLM_MODEL, messages: toolMessages, tools });
    expect(plan.toolCalls).toHaveLength(1);
    const stream = await client.chat.completions.create({
      model: VLLM_MODEL,
      messages: toolMessages,
      tools,
      stream: true,
    });
    const calls = new Map<number, { id: string; name: string; args: string }>();
    let fragments = 0;
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const call of choice?.delta.tool_calls ?? []) {
        fragments++;
        const entry = calls.get(call.index) ?? { id: '', name: '', args: '' };
        entry.id ||= call.id ?? '';
        entry.name += call.function?.name ?? '';
        entry.args += call.function?.arguments ?? '';
        calls.set(call.index, entry);
      }
      finish = choice?.finish_reason ?? finish;
    }
    expect(fragments).toBeGreaterThan(1);
    expect(finish).toBe('tool_calls');
    const call = calls.get(0);
    expect(call?.id).not.toBe('');
    expect(call?.name).toBe('get_weather');
    expect(JSON.parse(call?.args ?? '')).toEqual(plan.toolCalls[0]?.arguments);
  });

  it('returns whole tool calls in a plain answer, and answers the tool result in text', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: toolMessages,
      tools,
    });
    const message = completion.choices[0]?.message;
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    const call = message?.tool_calls?.[0];
    expect(call?.type).toBe('function');
    const fn = call?.type === 'function' ? call.function : undefined;
    expect(fn?.name).toBe('get_weather');
    const toolCalls =
      fn === undefined ? [] : [{ id: call?.id ?? '', type: 'function' as const, function: fn }];
    const followUp = [
      ...toolMessages,
      { role: 'assistant' as const, content: null, tool_calls: toolCalls },
      { role: 'tool' as const, tool_call_id: call?.id ?? '', content: '{"temp": 21}' },
    ];
    const answer = await client.chat.completions.create({
      model: MODEL,
      messages: followUp,
      tools,
    });
    const plan = expectedCompletion({ model: MODEL, messages: followUp, tools });
    expect(answer.choices[0]?.message.content).toBe(plan.text);
  });

  it('calls a function tool_choice forces on Ollama, which has no tool_choice, streamed and whole', async () => {
    // Nothing in the question names the tool: without the forcing, the model answers in words.
    const parameters = tools[0]?.function.parameters ?? {};
    const plan = expectedCompletion({ model: MODEL, messages, format: parameters });
    const forced = { type: 'function' as const, function: { name: 'get_weather' } };
    const whole = await client.chat.completions.create({
      model: MODEL,
      messages,
      tools,
      tool_choice: forced,
    });
    expect(whole.choices[0]?.finish_reason).toBe('tool_calls');
    const call = whole.choices[0]?.message.tool_calls?.[0];
    const fn = call?.type === 'function' ? call.function : undefined;
    expect(fn).toEqual({ name: 'get_weather', arguments: plan.text });
    expect(Object.keys(JSON.parse(plan.text) as object)).toContain('city');

    // `required` with one tool forces it too; the arguments stream as fragments.
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      tools,
      tool_choice: 'required',
      stream: true,
    });
    let args = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect([args, finish]).toEqual([plan.text, 'tool_calls']);
  });

  it('calls one of several functions when a call is required on Ollama, streamed and whole', async () => {
    const timeTool = {
      type: 'function' as const,
      function: {
        name: 'get_time',
        parameters: { type: 'object', properties: { zone: { type: 'string' } } },
      },
    };
    const offered = [...tools, timeTool];
    // What the worker asks Ollama for: an answer naming one function, with its arguments.
    const format = {
      anyOf: offered.map(({ function: fn }) => ({
        type: 'object',
        properties: { name: { const: fn.name }, arguments: fn.parameters },
        required: ['name', 'arguments'],
      })),
    };
    const planned = JSON.parse(expectedCompletion({ model: MODEL, messages, format }).text) as {
      name: string;
      arguments: object;
    };
    const expected = { name: planned.name, arguments: JSON.stringify(planned.arguments) };
    const request = { model: MODEL, messages, tools: offered, tool_choice: 'required' as const };
    const whole = await client.chat.completions.create(request);
    expect(whole.choices[0]?.finish_reason).toBe('tool_calls');
    const call = whole.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' ? call.function : undefined).toEqual(expected);

    const stream = await client.chat.completions.create({ ...request, stream: true });
    const streamed = { name: '', arguments: '' };
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const fn = chunk.choices[0]?.delta.tool_calls?.[0]?.function;
      streamed.name += fn?.name ?? '';
      streamed.arguments += fn?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect([streamed, finish]).toEqual([expected, 'tool_calls']);
  });

  it('serves the legacy completions API, plain and streamed', async () => {
    const prompt = 'Once upon a time';
    const plan = expectedCompletion({ model: VLLM_MODEL, prompt, maxTokens: 5 });
    const plain = await client.completions.create({ model: VLLM_MODEL, prompt, max_tokens: 5 });
    expect(plain.choices[0]?.text).toBe(plan.text);
    expect(plain.usage?.completion_tokens).toBe(plan.completionTokens);
    let text = '';
    const stream = await client.completions.create({
      model: VLLM_MODEL,
      prompt,
      max_tokens: 5,
      stream: true,
    });
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(plan.text);
  });

  it('pins a backend kind with a prefix and refuses a kind that does not serve the model', async () => {
    const pinned = await client.chat.completions.create({
      model: `vllm/${VLLM_MODEL}`,
      messages,
      max_tokens: 3,
    });
    expect(pinned.choices[0]?.message.content).toBe(
      expectedCompletion({ model: VLLM_MODEL, messages, maxTokens: 3 }).text,
    );
    await expect(
      client.chat.completions.create({ model: `lmstudio/${VLLM_MODEL}`, messages }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });
});
