import { describe, expect, it } from '@jest/globals';
import type { ChatRequest } from '@switchyard/contracts';
import {
  toOllamaChatBody,
  toOllamaEmbedBody,
  toOllamaGenerateBody,
} from './ollama-request.translator.js';

const chat = (extra: Partial<ChatRequest>): ChatRequest => ({
  id: 'req_1',
  model: 'qwen3',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

describe('toOllamaChatBody', () => {
  it('translates a full chat request into the exact /api/chat body', () => {
    const body = toOllamaChatBody(
      chat({
        model: 'llava:13b',
        messages: [
          { role: 'developer', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in this picture?' },
              { type: 'text', text: 'And the weather?' },
              { type: 'image', data: 'iVBORw0KGgo=', media_type: 'image/png' },
            ],
          },
          {
            role: 'assistant',
            content: null,
            reasoning: 'Need the weather tool.',
            tool_calls: [
              { id: 'call_ab12cd34', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
            ],
          },
          { role: 'tool', content: '{"temp":21}', tool_call_id: 'call_ab12cd34' },
        ],
        tools: [
          {
            name: 'get_weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
            strict: true,
          },
        ],
        tool_choice: 'auto',
        response_format: { type: 'json_schema', schema: { type: 'object' } },
        reasoning_effort: 'high',
        max_tokens: 64,
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        min_p: 0.05,
        seed: 42,
        stop: ['\n\n'],
        presence_penalty: 0.5,
        frequency_penalty: 0.25,
        repeat_penalty: 1.1,
      }),
    );
    expect(body).toEqual({
      model: 'llava:13b',
      stream: true,
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: 'What is in this picture?\nAnd the weather?',
          images: ['iVBORw0KGgo='],
        },
        {
          role: 'assistant',
          content: '',
          thinking: 'Need the weather tool.',
          tool_calls: [
            {
              id: 'call_ab12cd34',
              function: { index: 0, name: 'get_weather', arguments: { city: 'Tokyo' } },
            },
          ],
        },
        {
          role: 'tool',
          content: '{"temp":21}',
          tool_name: 'get_weather',
          tool_call_id: 'call_ab12cd34',
        },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      format: { type: 'object' },
      think: 'high',
      options: {
        num_predict: 64,
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        min_p: 0.05,
        seed: 42,
        stop: ['\n\n'],
        presence_penalty: 0.5,
        frequency_penalty: 0.25,
        repeat_penalty: 1.1,
      },
    });
  });

  it('sends a minimal request with nothing but what was asked', () => {
    expect(toOllamaChatBody(chat({}))).toEqual({
      model: 'qwen3',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
  });

  it('asks for one body when the caller joins the answer (stream: false)', () => {
    expect(toOllamaChatBody(chat({ stream: false }))['stream']).toBe(false);
    expect(
      toOllamaGenerateBody({ id: 'r', model: 'qwen3', prompt: 'a', stream: false })['stream'],
    ).toBe(false);
  });

  it('maps json_object to format "json" and reasoning "none" to think false', () => {
    const body = toOllamaChatBody(
      chat({ response_format: { type: 'json_object' }, reasoning_effort: 'none' }),
    );
    expect(body.format).toBe('json');
    expect(body.think).toBe(false);
  });

  it('asks for a forced call as an answer in the call’s schema, since Ollama cannot force one', () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } } };
    const tools = [{ name: 'a' }, { name: 'b', parameters }];
    expect(toOllamaChatBody(chat({ tools, tool_choice: 'none' })).tools).toBeUndefined();
    const named = toOllamaChatBody(
      chat({ tools, tool_choice: { name: 'b' }, response_format: { type: 'json_object' } }),
    );
    expect([named.tools, named.format]).toEqual([undefined, parameters]);
    const onlyOne = toOllamaChatBody(chat({ tools: [{ name: 'a' }], tool_choice: 'required' }));
    expect([onlyOne.tools, onlyOne.format]).toEqual([undefined, { type: 'object' }]);
    // A schema without a type would let the model answer any value: arguments are an object.
    const untyped = { properties: { q: { type: 'string' } } };
    const typed = toOllamaChatBody(
      chat({ tools: [{ name: 'a', parameters: untyped }], tool_choice: 'required' }),
    );
    expect(typed.format).toEqual({ type: 'object', ...untyped });
    // Several tools and a call required: an answer naming one of them, with its arguments.
    const several = toOllamaChatBody(chat({ tools, tool_choice: 'required' }));
    expect([several.tools, several.format]).toEqual([
      undefined,
      {
        anyOf: [
          {
            type: 'object',
            properties: { name: { const: 'a' }, arguments: { type: 'object' } },
            required: ['name', 'arguments'],
          },
          {
            type: 'object',
            properties: { name: { const: 'b' }, arguments: parameters },
            required: ['name', 'arguments'],
          },
        ],
      },
    ]);
    expect(toOllamaChatBody(chat({ tools, tool_choice: 'auto' })).tools).toHaveLength(2);
  });

  it('puts request-level passthrough next to options and everything else inside, winning over translated values', () => {
    const body = toOllamaChatBody(
      chat({
        max_tokens: 10,
        temperature: 0.5,
        options: {
          ollama: {
            keep_alive: '10m',
            think: true,
            num_ctx: 8192,
            num_gpu: 99,
            num_thread: 8,
            num_predict: 20,
            options: { mirostat: 2 },
            model: 'other',
            stream: false,
          },
          vllm: { repetition_penalty: 1.2 },
        },
      }),
    );
    expect(body).toEqual({
      model: 'qwen3',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
      keep_alive: '10m',
      think: true,
      options: {
        num_predict: 20,
        temperature: 0.5,
        num_ctx: 8192,
        num_gpu: 99,
        num_thread: 8,
        mirostat: 2,
      },
    });
  });

  it('takes a tool name from the message when no earlier call matches, and refuses non-object arguments', () => {
    const body = toOllamaChatBody(
      chat({ messages: [{ role: 'tool', name: 'lookup', content: 'x', tool_call_id: 'gone' }] }),
    );
    expect(body.messages[0]).toEqual({
      role: 'tool',
      content: 'x',
      tool_name: 'lookup',
      tool_call_id: 'gone',
    });
    // The call whose arguments are not an object is named, whether they are JSON or not.
    for (const args of ['[1]', '{not json']) {
      const bad = chat({
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'a', name: 'f', arguments: '{}' },
              { id: 'c', name: 'f', arguments: args },
            ],
          },
        ],
      });
      expect(() => toOllamaChatBody(bad)).toThrow(
        expect.objectContaining({
          code: 'bad_request',
          message:
            "messages[1].tool_calls[1].arguments: Ollama takes a tool call's arguments as a JSON object, and these are not one",
          details: { param: 'messages[1].tool_calls[1].arguments', arguments: args },
        }),
      );
    }
  });
});

describe('toOllamaGenerateBody and toOllamaEmbedBody', () => {
  it('translates a completion with suffix and options', () => {
    expect(
      toOllamaGenerateBody({
        id: 'r',
        model: 'codellama:7b-code',
        prompt: 'def add(',
        suffix: '    return a + b',
        max_tokens: 32,
        stop: ['\n\n'],
        raw: true,
        options: { ollama: { num_ctx: 4096 } },
      }),
    ).toEqual({
      model: 'codellama:7b-code',
      prompt: 'def add(',
      suffix: '    return a + b',
      stream: true,
      raw: true,
      options: { num_predict: 32, stop: ['\n\n'], num_ctx: 4096 },
    });
  });

  it('refuses an empty prompt, which Ollama answers by loading the model and nothing else', () => {
    expect(() =>
      toOllamaGenerateBody({ id: 'r', model: 'qwen3', prompt: '', suffix: 'x' }),
    ).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        message:
          'Ollama generates nothing from an empty prompt (it only loads the model): send a prompt',
        details: { param: 'prompt' },
      }),
    );
  });

  it('sends a reasoning effort as think: a level as it is, none as false', () => {
    const completion = { id: 'r', model: 'qwen3', prompt: 'Why?', stream: false };
    expect(toOllamaGenerateBody({ ...completion, reasoning_effort: 'high' }).think).toBe('high');
    expect(toOllamaGenerateBody({ ...completion, reasoning_effort: 'none' }).think).toBe(false);
    expect(toOllamaGenerateBody(completion)).not.toHaveProperty('think');
  });

  it('sends a system prompt and structured output as Ollama generate fields', () => {
    const schema = { type: 'object', properties: { age: { type: 'integer' } } };
    const completion = { id: 'r', model: 'qwen3', prompt: 'Describe a user.', stream: false };
    expect(
      toOllamaGenerateBody({
        ...completion,
        system: 'Answer in JSON.',
        response_format: { type: 'json_object' },
      }),
    ).toEqual({
      model: 'qwen3',
      prompt: 'Describe a user.',
      system: 'Answer in JSON.',
      format: 'json',
      stream: false,
    });
    const typed = toOllamaGenerateBody({
      ...completion,
      response_format: { type: 'json_schema', name: 'user', schema },
    });
    expect(typed.format).toEqual(schema);
    expect(toOllamaGenerateBody({ ...completion, response_format: { type: 'text' } })).toEqual({
      model: 'qwen3',
      prompt: 'Describe a user.',
      stream: false,
    });
  });

  it('translates a batch embedding with truncate, dimensions and keep_alive', () => {
    expect(
      toOllamaEmbedBody({
        id: 'r',
        model: 'all-minilm',
        input: ['a', 'b'],
        truncate: false,
        dimensions: 256,
        options: { ollama: { keep_alive: -1, num_ctx: 512 } },
      }),
    ).toEqual({
      model: 'all-minilm',
      input: ['a', 'b'],
      truncate: false,
      dimensions: 256,
      keep_alive: -1,
      options: { num_ctx: 512 },
    });
  });

  it('refuses logit_bias, which Ollama has no option for, naming it; an empty one changes nothing', () => {
    const bias = { '13': -100 };
    for (const build of [
      () => toOllamaChatBody(chat({ logit_bias: bias })),
      () => toOllamaGenerateBody({ id: 'r', model: 'm', prompt: 'Hi', logit_bias: bias }),
    ]) {
      expect(build).toThrow(
        expect.objectContaining({
          code: 'unsupported',
          message: 'Ollama does not support logit_bias',
          details: { param: 'logit_bias' },
        }),
      );
    }
    expect(toOllamaChatBody(chat({ logit_bias: {} }))).not.toHaveProperty('options');
  });

  it('refuses a prompt of token ids, which only vLLM reads, naming prompt', () => {
    expect(() => toOllamaGenerateBody({ id: 'r', model: 'm', prompt: [1, 2, 3] })).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        message: 'Ollama takes a prompt as text, not token ids',
        details: { param: 'prompt' },
      }),
    );
  });

  it('refuses embedding inputs of token ids, naming input', () => {
    expect(() => toOllamaEmbedBody({ id: 'r', model: 'm', input: ['a', [1, 2]] })).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        message: 'Ollama takes inputs as text, not token ids',
        details: { param: 'input' },
      }),
    );
  });
});
