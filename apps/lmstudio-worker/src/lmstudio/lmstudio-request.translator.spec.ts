import { describe, expect, it } from '@jest/globals';
import type { ChatRequest } from '@switchyard/contracts';
import {
  toLmStudioChatBody,
  toLmStudioCompletionBody,
  toLmStudioEmbeddingBody,
} from './lmstudio-request.translator.js';

const chat = (extra: Partial<ChatRequest>): ChatRequest => ({
  id: 'req_1',
  model: 'qwen/qwen3-4b',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

describe('toLmStudioChatBody', () => {
  it('translates a full chat request into the exact /api/v0/chat/completions body', () => {
    expect(
      toLmStudioChatBody(
        chat({
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Weather in Tokyo?' },
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Tokyo"}' }],
            },
            { role: 'tool', content: '{"temp":21}', tool_call_id: 'call_1' },
          ],
          tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
          tool_choice: 'required',
          response_format: { type: 'json_schema', name: 'weather', schema: { type: 'object' } },
          reasoning_effort: 'low',
          max_tokens: 100,
          temperature: 0.7,
          top_p: 0.95,
          top_k: 40,
          min_p: 0.05,
          seed: 1,
          stop: ['END'],
          presence_penalty: 0.1,
          frequency_penalty: 0.2,
          repeat_penalty: 1.1,
          options: { lmstudio: { ttl: 300, stream: false, model: 'x' } },
        }),
      ),
    ).toEqual({
      model: 'qwen/qwen3-4b',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Tokyo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
            },
          ],
        },
        { role: 'tool', content: '{"temp":21}', tool_call_id: 'call_1' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 100,
      temperature: 0.7,
      top_p: 0.95,
      seed: 1,
      stop: ['END'],
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      top_k: 40,
      min_p: 0.05,
      repeat_penalty: 1.1,
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      ],
      tool_choice: 'required',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'weather', schema: { type: 'object' } },
      },
      reasoning_effort: 'low',
      ttl: 300,
    });
  });

  it('sends JSON mode as a schema admitting any object, since LM Studio rejects json_object', () => {
    expect(
      toLmStudioChatBody(chat({ response_format: { type: 'json_object' } })).response_format,
    ).toEqual({
      type: 'json_schema',
      json_schema: { name: 'json_object', schema: { type: 'object' } },
    });
  });
});

describe('toLmStudioCompletionBody and toLmStudioEmbeddingBody', () => {
  it('translates a completion, and refuses a suffix', () => {
    expect(
      toLmStudioCompletionBody({ id: 'r', model: 'm', prompt: 'Once', max_tokens: 5 }),
    ).toEqual({
      model: 'm',
      prompt: 'Once',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 5,
    });
    expect(() =>
      toLmStudioCompletionBody({ id: 'r', model: 'm', prompt: 'a', suffix: 'b' }),
    ).toThrow(expect.objectContaining({ code: 'unsupported' }));
  });

  it('asks for one body, with no stream options, when the caller joins the answer', () => {
    const body = toLmStudioCompletionBody({ id: 'r', model: 'm', prompt: 'a', stream: false });
    expect(body).toEqual({ model: 'm', prompt: 'a', stream: false });
  });

  it('sends logit_bias as it is, in chats and in completions', () => {
    const bias = { '50256': -100, '13': 2.5 };
    expect(toLmStudioChatBody(chat({ logit_bias: bias }))['logit_bias']).toEqual(bias);
    expect(
      toLmStudioCompletionBody({ id: 'r', model: 'm', prompt: 'a', logit_bias: bias })[
        'logit_bias'
      ],
    ).toEqual(bias);
  });

  it('refuses log-probabilities, which LM Studio does not return, naming the field', () => {
    for (const build of [
      () => toLmStudioChatBody(chat({ logprobs: 0 })),
      () => toLmStudioCompletionBody({ id: 'r', model: 'm', prompt: 'Hi', logprobs: 3 }),
    ]) {
      expect(build).toThrow(
        expect.objectContaining({
          code: 'unsupported',
          message: 'LM Studio does not return log-probabilities',
          details: { param: 'logprobs' },
        }),
      );
    }
  });

  it('asks for float embeddings, and refuses dimensions', () => {
    expect(toLmStudioEmbeddingBody({ id: 'r', model: 'nomic', input: ['a', 'b'] })).toEqual({
      model: 'nomic',
      input: ['a', 'b'],
      encoding_format: 'float',
    });
    expect(() =>
      toLmStudioEmbeddingBody({ id: 'r', model: 'nomic', input: ['a'], dimensions: 8 }),
    ).toThrow(expect.objectContaining({ code: 'unsupported', details: { param: 'dimensions' } }));
  });

  it('refuses a prompt of token ids, which only vLLM reads, naming prompt', () => {
    expect(() => toLmStudioCompletionBody({ id: 'r', model: 'm', prompt: [1, 2, 3] })).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        message: 'LM Studio takes a prompt as text, not token ids',
        details: { param: 'prompt' },
      }),
    );
  });

  it('refuses embedding inputs of token ids, naming input', () => {
    expect(() => toLmStudioEmbeddingBody({ id: 'r', model: 'm', input: ['a', [1, 2]] })).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        message: 'LM Studio takes inputs as text, not token ids',
        details: { param: 'input' },
      }),
    );
  });
});
