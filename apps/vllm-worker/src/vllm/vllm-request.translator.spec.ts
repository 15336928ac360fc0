import { describe, expect, it } from '@jest/globals';
import type { ChatRequest } from '@switchyard/contracts';
import {
  toVllmChatBody,
  toVllmCompletionBody,
  toVllmEmbeddingBody,
} from './vllm-request.translator.js';

const chat = (extra: Partial<ChatRequest>): ChatRequest => ({
  id: 'req_1',
  model: 'my-model',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

describe('toVllmChatBody', () => {
  it('translates a full chat request into the exact /v1/chat/completions body', () => {
    expect(
      toVllmChatBody(
        chat({
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Describe' },
                { type: 'image', data: '/9j/4AAQ' },
              ],
            },
          ],
          tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
          tool_choice: { name: 'get_weather' },
          response_format: { type: 'json_object' },
          reasoning_effort: 'max',
          max_tokens: 256,
          temperature: 0.1,
          top_k: 20,
          min_p: 0.1,
          repeat_penalty: 1.05,
          seed: 7,
          options: {
            vllm: {
              repetition_penalty: 1.2,
              guided_json: { type: 'object' },
              priority: 1,
              stream: false,
            },
            ollama: { num_ctx: 1 },
          },
        }),
      ),
    ).toEqual({
      model: 'my-model',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          ],
        },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 256,
      temperature: 0.1,
      seed: 7,
      top_k: 20,
      min_p: 0.1,
      repetition_penalty: 1.2,
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: { type: 'json_object' },
      reasoning_effort: 'high',
      guided_json: { type: 'object' },
      priority: 1,
    });
  });

  it('asks for one body, with no stream options, when the caller joins the answer', () => {
    const body = toVllmChatBody(
      chat({ stream: false, options: { vllm: { stream_options: { include_usage: true } } } }),
    );
    expect(body['stream']).toBe(false);
    // vLLM refuses stream_options without a stream, so not even a passthrough may add them.
    expect(body).not.toHaveProperty('stream_options');
    const completion = toVllmCompletionBody({ id: 'r', model: 'm', prompt: 'a', stream: false });
    expect(completion).toMatchObject({ stream: false });
    expect(completion).not.toHaveProperty('stream_options');
  });

  it('sends no top-k cut (canonical top_k 0) as -1, which every vLLM takes', () => {
    expect(toVllmChatBody(chat({ top_k: 0 }))['top_k']).toBe(-1);
    expect(toVllmCompletionBody({ id: 'r', model: 'm', prompt: 'a', top_k: 0 })['top_k']).toBe(-1);
    expect(toVllmChatBody(chat({ top_k: 40 }))['top_k']).toBe(40);
  });

  it('sends logit_bias as it is, in chats and in completions', () => {
    const bias = { '50256': -100, '13': 2.5 };
    expect(toVllmChatBody(chat({ logit_bias: bias }))['logit_bias']).toEqual(bias);
    expect(
      toVllmCompletionBody({ id: 'r', model: 'm', prompt: 'a', logit_bias: bias })['logit_bias'],
    ).toEqual(bias);
    expect(toVllmChatBody(chat({}))).not.toHaveProperty('logit_bias');
  });

  it('asks vLLM for one tool call when parallel calls are off, and says nothing otherwise', () => {
    expect(toVllmChatBody(chat({ parallel_tool_calls: false }))['parallel_tool_calls']).toBe(false);
    expect(toVllmChatBody(chat({ parallel_tool_calls: true }))).not.toHaveProperty(
      'parallel_tool_calls',
    );
    expect(toVllmChatBody(chat({}))).not.toHaveProperty('parallel_tool_calls');
  });

  it('asks vLLM to continue a final assistant message (a prefill), as Ollama and LM Studio do', () => {
    const ask = { role: 'user' as const, content: 'List three colours as JSON.' };
    const prefill = (content: string) =>
      toVllmChatBody(chat({ messages: [ask, { role: 'assistant', content }] }));
    expect(prefill('{"colours": [')).toMatchObject({
      continue_final_message: true,
      add_generation_prompt: false,
    });
    // Nothing to continue: an empty message, a tool call (which ends a turn), a user's turn.
    for (const body of [
      prefill(''),
      toVllmChatBody(
        chat({
          messages: [
            ask,
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'c1', name: 'f', arguments: '{}' }],
            },
          ],
        }),
      ),
      toVllmChatBody(chat({})),
    ]) {
      expect(body).not.toHaveProperty('continue_final_message');
      expect(body).not.toHaveProperty('add_generation_prompt');
    }
  });

  it('switches thinking off through the chat template for reasoning effort none', () => {
    const body = toVllmChatBody(chat({ reasoning_effort: 'none' }));
    expect(body['chat_template_kwargs']).toEqual({ enable_thinking: false });
    expect(body['reasoning_effort']).toBeUndefined();
  });
});

describe('toVllmCompletionBody and toVllmEmbeddingBody', () => {
  it('translates a completion, and refuses a suffix vLLM cannot serve', () => {
    expect(
      toVllmCompletionBody({ id: 'r', model: 'my-model', prompt: 'Once', stop: ['.'] }),
    ).toEqual({
      model: 'my-model',
      prompt: 'Once',
      stream: true,
      stream_options: { include_usage: true },
      stop: ['.'],
    });
    expect(() => toVllmCompletionBody({ id: 'r', model: 'm', prompt: 'a', suffix: 'b' })).toThrow(
      expect.objectContaining({ code: 'unsupported' }),
    );
  });

  it("asks vLLM itself to echo the prompt, with its tokens' log-probabilities", () => {
    expect(
      toVllmCompletionBody({ id: 'r', model: 'm', prompt: 'a', echo: true, logprobs: 1 }),
    ).toMatchObject({ prompt: 'a', echo: true, logprobs: 1 });
    expect(toVllmCompletionBody({ id: 'r', model: 'm', prompt: 'a' })).not.toHaveProperty('echo');
  });

  it('asks for base64 embeddings with dimensions', () => {
    expect(
      toVllmEmbeddingBody({
        id: 'r',
        model: 'bge',
        input: ['a'],
        dimensions: 128,
        options: { vllm: { truncate_prompt_tokens: 512, encoding_format: 'float' } },
      }),
    ).toEqual({
      model: 'bge',
      input: ['a'],
      encoding_format: 'base64',
      dimensions: 128,
      truncate_prompt_tokens: 512,
    });
  });
});
