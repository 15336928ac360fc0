import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import {
  translateChatRequest,
  translateCompletionRequest,
  translateEmbeddingRequest,
} from './openai-request.translator.js';

function thrown(run: () => unknown): SwitchyardError {
  try {
    run();
  } catch (error) {
    if (error instanceof SwitchyardError) return error;
    throw error;
  }
  throw new Error('expected a SwitchyardError');
}

describe('OpenAI requests as canonical requests', () => {
  it('translate messages with images, tool calls, tool results and every option', () => {
    const translated = translateChatRequest({
      model: 'llava:13b',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'look', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'a cat' },
      ],
      tools: [{ type: 'function', function: { name: 'look', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'look' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'x', schema: { type: 'object' } },
      },
      max_tokens: 10,
      max_completion_tokens: 20,
      stop: 'END',
      reasoning_effort: 'minimal',
      temperature: 0.5,
      seed: 7,
      user: 'ignored',
    });
    expect(translated).toEqual({
      model: 'llava:13b',
      stream: true,
      includeUsage: true,
      // The output limit came as max_completion_tokens, so errors about it name that field.
      maxTokensParam: 'max_completion_tokens',
      choices: { n: 1 },
      body: {
        messages: [
          { role: 'developer', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', media_type: 'image/png', data: 'iVBORw0KGgo=' },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', name: 'look', arguments: '{}' }],
          },
          { role: 'tool', content: 'a cat', tool_call_id: 'c1' },
        ],
        tools: [{ name: 'look', parameters: { type: 'object' } }],
        tool_choice: { name: 'look' },
        response_format: { type: 'json_schema', name: 'x', schema: { type: 'object' } },
        reasoning_effort: 'low',
        max_tokens: 20,
        temperature: 0.5,
        seed: 7,
        stop: ['END'],
      },
    });
  });

  it('refuse what cannot be honoured, naming the field', () => {
    expect(
      thrown(() =>
        translateChatRequest({
          model: 'm',
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }],
            },
          ],
        }),
      ).details,
    ).toEqual({ param: 'messages[0].content[0]' });
    for (const n of [0, 65, 1.5]) {
      expect(
        thrown(() =>
          translateChatRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], n }),
        ).details,
      ).toEqual({ param: 'n' });
    }
    const noPrompt = thrown(() => translateCompletionRequest({ model: 'm', prompt: [] }));
    expect(noPrompt.message).toBe('prompt must hold at least one prompt');
    expect(noPrompt.details).toEqual({ param: 'prompt' });
    const tooMany = thrown(() =>
      translateCompletionRequest({ model: 'm', prompt: ['a', 'b', 'c'], n: 22 }),
    );
    expect(tooMany.details).toEqual({ param: 'n' });
    expect(tooMany.message).toBe(
      'prompts × n must be at most 64; this request asks for 66 answers',
    );
    expect(
      thrown(() =>
        translateChatRequest({
          model: 'm',
          messages: [{ role: 'user', content: 'x' }],
          temperature: 9,
        }),
      ).message,
    ).toMatch(/^temperature: /);
    expect(thrown(() => translateChatRequest([])).code).toBe('bad_request');
    expect(
      thrown(() => translateCompletionRequest({ model: 'm', prompt: 'x', best_of: 2 })).details,
    ).toEqual({ param: 'best_of' });
  });

  it('ask for n answers, for one per prompt of a completion, and for the prompt echoed', () => {
    const chat = translateChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      n: 3,
    });
    expect(chat.choices).toEqual({ n: 3 });
    const completion = translateCompletionRequest({ model: 'm', prompt: ['a', 'b'], n: 2 });
    expect(completion.choices).toEqual({ n: 2, prompts: ['a', 'b'] });
    expect(completion.body['prompt']).toBe('a');
    expect(
      translateCompletionRequest({ model: 'm', prompt: 'a', echo: true, logprobs: 1 }).body,
    ).toEqual({ prompt: 'a', echo: true, logprobs: 1, stream: false });
    expect(translateCompletionRequest({ model: 'm', prompt: 'a' }).choices).toEqual({
      n: 1,
      prompts: ['a'],
    });
  });

  it('take a prompt of token ids, or a list of texts and ids, naming a malformed one', () => {
    expect(translateCompletionRequest({ model: 'm', prompt: [1, 2, 3] }).choices).toEqual({
      n: 1,
      prompts: [[1, 2, 3]],
    });
    const mixed = translateCompletionRequest({ model: 'm', prompt: ['a', [4, 5]] });
    expect(mixed.choices.prompts).toEqual(['a', [4, 5]]);
    expect(mixed.body['prompt']).toBe('a');
    for (const [prompt, param] of [
      [[1, -2], 'prompt'],
      [[1.5], 'prompt'],
      [['a', [1], {}], 'prompt[2]'],
      [['a', []], 'prompt[1]'],
    ] as const) {
      const refused = thrown(() => translateCompletionRequest({ model: 'm', prompt }));
      expect(refused.details).toEqual({ param });
      expect(refused.message).toContain('must be a text or a list of 1 to 131072 token ids');
    }
  });

  it('ask for logprobs with top_logprobs alternatives, refusing alternatives without the flag', () => {
    const messages = [{ role: 'user', content: 'x' }];
    const chat = (fields: Record<string, unknown>) =>
      translateChatRequest({ model: 'm', messages, ...fields }).body['logprobs'];
    expect(chat({ logprobs: true, top_logprobs: 3 })).toBe(3);
    expect(chat({ logprobs: true, top_logprobs: 20 })).toBe(20);
    expect(chat({ logprobs: true })).toBe(0);
    expect(chat({ logprobs: true, top_logprobs: null })).toBe(0);
    for (const declined of [{}, { logprobs: false }, { logprobs: null, top_logprobs: 0 }]) {
      expect(chat(declined)).toBeUndefined();
    }
    const alone = thrown(() => chat({ top_logprobs: 2 }));
    expect([alone.code, alone.message, alone.details]).toEqual([
      'bad_request',
      'when using `top_logprobs`, `logprobs` must be set to true',
      { param: 'top_logprobs' },
    ]);
    expect(thrown(() => chat({ logprobs: false, top_logprobs: 1 })).details).toEqual({
      param: 'top_logprobs',
    });
    for (const top_logprobs of [21, -1]) {
      const outside = thrown(() => chat({ logprobs: true, top_logprobs }));
      expect([outside.message, outside.details]).toEqual([
        'top_logprobs must be between 0 and 20',
        { param: 'top_logprobs' },
      ]);
    }
  });

  it('refuse the legacy function-calling fields and output other than text, naming them', () => {
    const user = { role: 'user', content: 'x' };
    const refusal = (fields: Record<string, unknown>) => {
      const error = thrown(() =>
        translateChatRequest(Object.assign({ model: 'm', messages: [user] }, fields)),
      );
      return [error.code, error.details?.['param'], error.message];
    };
    const fn = { name: 'f', parameters: { type: 'object' } };
    expect(refusal({ functions: [fn] })).toEqual([
      'bad_request',
      'functions',
      'functions is the legacy form of tools: send tools instead',
    ]);
    expect(refusal({ function_call: { name: 'f' } })).toEqual([
      'bad_request',
      'function_call',
      'function_call is the legacy form of tool_choice: send tool_choice instead',
    ]);
    const call = {
      role: 'assistant',
      content: null,
      function_call: { name: 'f', arguments: '{}' },
    };
    expect(refusal({ messages: [user, call] })).toEqual([
      'bad_request',
      'messages[1].function_call',
      'function_call is the legacy form of tool_calls: send tool_calls instead',
    ]);
    expect(refusal({ messages: [user, { role: 'function', name: 'f', content: '1' }] })).toEqual([
      'bad_request',
      'messages[1].role',
      'role "function" is the legacy form of tool messages: send role "tool" with tool_call_id, ' +
        'answering a call of tool_calls, instead',
    ]);
    expect(refusal({ modalities: ['text', 'audio'] })).toEqual([
      'bad_request',
      'modalities',
      'only text output is supported: modalities may be ["text"] only',
    ]);
    expect(refusal({ audio: { voice: 'alloy', format: 'mp3' } })).toEqual([
      'bad_request',
      'audio',
      'audio output is not supported: the models answer in text',
    ]);
    const text = { model: 'm', messages: [user], modalities: ['text'], functions: null };
    expect(translateChatRequest(text).body['messages']).toEqual([user]);
  });

  it("take top_k -1, vLLM's no top-k cut, as the canonical 0, and refuse other negatives", () => {
    const messages = [{ role: 'user', content: 'x' }];
    const topK = (top_k: unknown) =>
      translateChatRequest({ model: 'm', messages, top_k }).body['top_k'];
    expect(topK(-1)).toBe(0);
    expect(topK(0)).toBe(0);
    expect(topK(40)).toBe(40);
    expect(topK(null)).toBeUndefined();
    expect(translateCompletionRequest({ model: 'm', prompt: 'x', top_k: -1 }).body['top_k']).toBe(
      0,
    );
    const negative = thrown(() => topK(-2));
    expect([negative.code, negative.message, negative.details]).toEqual([
      'bad_request',
      'top_k must be at least 1, or 0 or -1 for no top-k cut',
      { param: 'top_k' },
    ]);
  });

  it('pass logit_bias on from chats and completions, naming it when it is malformed', () => {
    const bias = { '50256': -100, '13': 2.5 };
    const messages = [{ role: 'user', content: 'x' }];
    expect(translateChatRequest({ model: 'm', messages, logit_bias: bias }).body).toMatchObject({
      logit_bias: bias,
    });
    const prompt = { model: 'm', prompt: 'x' };
    expect(
      translateCompletionRequest(Object.assign({}, prompt, { logit_bias: bias })).body,
    ).toMatchObject({ logit_bias: bias });
    expect(
      translateChatRequest({ model: 'm', messages, logit_bias: null }).body,
    ).not.toHaveProperty('logit_bias');
    const outside = thrown(() =>
      translateChatRequest({ model: 'm', messages, logit_bias: { '13': 101 } }),
    );
    expect([outside.code, outside.message, outside.details]).toEqual([
      'bad_request',
      'logit_bias must hold biases from -100 to 100; token 13 has 101',
      { param: 'logit_bias' },
    ]);
    const word = thrown(() =>
      translateCompletionRequest(Object.assign({}, prompt, { logit_bias: { hello: 1 } })),
    );
    expect([word.message, word.details]).toEqual([
      'logit_bias must be keyed by token ids (decimal integers of 0 or more); "hello" is not one',
      { param: 'logit_bias' },
    ]);
  });

  it("ask for a completion's logprobs with the count itself, 0 to 5 as OpenAI takes it", () => {
    const complete = (logprobs: unknown) =>
      translateCompletionRequest({ model: 'm', prompt: 'x', logprobs }).body['logprobs'];
    expect(complete(0)).toBe(0);
    expect(complete(5)).toBe(5);
    expect(complete(null)).toBeUndefined();
    expect(complete(undefined)).toBeUndefined();
    for (const logprobs of [6, -1]) {
      const outside = thrown(() => complete(logprobs));
      expect([outside.message, outside.details]).toEqual([
        'logprobs must be between 0 and 5',
        { param: 'logprobs' },
      ]);
    }
  });

  it('translate completions and embeddings', () => {
    expect(
      translateCompletionRequest({ model: 'm', prompt: ['once'], suffix: 'end', stop: null }),
    ).toEqual({
      model: 'm',
      stream: false,
      includeUsage: false,
      // Not streamed: the gateway joins the answer, so the worker may ask for it whole.
      body: { prompt: 'once', suffix: 'end', stream: false },
      choices: { n: 1, prompts: ['once'] },
      maxTokensParam: 'max_tokens',
    });
    expect(translateEmbeddingRequest({ model: 'e', input: 'one', dimensions: 8 })).toEqual({
      model: 'e',
      encoding: 'float',
      body: { input: ['one'], dimensions: 8 },
    });
    expect(
      translateEmbeddingRequest({ model: 'e', input: ['a', 'b'], encoding_format: 'base64' })
        .encoding,
    ).toBe('base64');
    expect(thrown(() => translateEmbeddingRequest({ model: 'e', input: [''] })).code).toBe(
      'bad_request',
    );
    // Texts as the model's token ids, alone or in a list; a malformed one named.
    expect(translateEmbeddingRequest({ model: 'e', input: [5, 6] }).body['input']).toEqual([
      [5, 6],
    ]);
    expect(translateEmbeddingRequest({ model: 'e', input: ['a', [7]] }).body['input']).toEqual([
      'a',
      [7],
    ]);
    expect(
      thrown(() => translateEmbeddingRequest({ model: 'e', input: ['a', []] })).details,
    ).toEqual({ param: 'input[1]' });
  });
});
