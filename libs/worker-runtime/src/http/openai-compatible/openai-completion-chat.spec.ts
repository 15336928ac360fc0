import { describe, expect, it } from '@jest/globals';
import type { CompletionRequest } from '@switchyard/contracts';
import { completionAsChat } from './openai-completion-chat.js';

const completion: CompletionRequest = {
  id: 'req_1',
  model: 'qwen3',
  prompt: 'Describe a user.',
  max_tokens: 32,
  temperature: 0.2,
  stream: false,
  timeout_ms: 5_000,
  options: { vllm: { priority: 1 } },
};

describe('completionAsChat', () => {
  it('sends a completion with a system prompt as a system and a user message, keeping the rest', () => {
    expect(
      completionAsChat(
        {
          ...completion,
          system: 'Answer in JSON.',
          response_format: { type: 'json_schema', name: 'user', schema: { type: 'object' } },
        },
        'vLLM',
      ),
    ).toEqual({
      id: 'req_1',
      model: 'qwen3',
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'Describe a user.' },
      ],
      response_format: { type: 'json_schema', name: 'user', schema: { type: 'object' } },
      max_tokens: 32,
      temperature: 0.2,
      stream: false,
      timeout_ms: 5_000,
      options: { vllm: { priority: 1 } },
    });
  });

  it('sends a completion with images as a chat whose user message holds the prompt and them', () => {
    const image = { type: 'image' as const, data: 'iVBORw0KGgo=', media_type: 'image/png' };
    const chat = completionAsChat({ ...completion, images: [image] }, 'vLLM');
    expect(chat?.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Describe a user.' }, image] },
    ]);
    expect(chat).not.toHaveProperty('images');
  });

  it('sends a completion asking for JSON as a chat of the prompt alone', () => {
    const chat = completionAsChat({ ...completion, response_format: { type: 'json_object' } }, 'x');
    expect(chat?.messages).toEqual([{ role: 'user', content: 'Describe a user.' }]);
    expect(chat?.response_format).toEqual({ type: 'json_object' });
  });

  it('sends a completion asking to think as a chat, with its reasoning effort', () => {
    const chat = completionAsChat({ ...completion, reasoning_effort: 'high' }, 'vLLM');
    expect(chat?.messages).toEqual([{ role: 'user', content: 'Describe a user.' }]);
    expect(chat?.reasoning_effort).toBe('high');
    expect(() =>
      completionAsChat({ ...completion, suffix: '}', reasoning_effort: 'low' }, 'LM Studio'),
    ).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        message:
          'LM Studio applies thinking only to chats, which have no suffix: send thinking or a suffix, not both',
      }),
    );
  });

  it('leaves a plain completion, or one asking for text or no thinking, to the completion route', () => {
    expect(completionAsChat(completion, 'vLLM')).toBeUndefined();
    expect(completionAsChat({ ...completion, reasoning_effort: 'none' }, 'vLLM')).toBeUndefined();
    expect(completionAsChat({ ...completion, suffix: '}' }, 'vLLM')).toBeUndefined();
    expect(completionAsChat({ ...completion, raw: true }, 'vLLM')).toBeUndefined();
    expect(
      completionAsChat({ ...completion, response_format: { type: 'text' } }, 'vLLM'),
    ).toBeUndefined();
  });

  it('refuses a suffix beside a system prompt or structured output, naming both', () => {
    const withSuffix = { ...completion, suffix: '}' };
    expect(() => completionAsChat({ ...withSuffix, system: 'Be brief.' }, 'vLLM')).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        message:
          'vLLM applies a system prompt only to chats, which have no suffix: send a system prompt or a suffix, not both',
        details: { param: 'suffix' },
      }),
    );
    const json = { ...withSuffix, response_format: { type: 'json_object' as const } };
    expect(() => completionAsChat(json, 'LM Studio')).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        message:
          'LM Studio applies structured output only to chats, which have no suffix: send structured output or a suffix, not both',
      }),
    );
  });

  it('refuses a raw completion that only a chat, which is templated, would serve', () => {
    const raw = { ...completion, raw: true };
    expect(() =>
      completionAsChat({ ...raw, response_format: { type: 'json_object' } }, 'vLLM'),
    ).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        message:
          "vLLM applies structured output only to chats, which apply the model's chat template: send structured output or raw, not both",
        details: { param: 'raw' },
      }),
    );
    expect(() => completionAsChat({ ...raw, reasoning_effort: 'low' }, 'LM Studio')).toThrow(
      expect.objectContaining({ code: 'unsupported', details: { param: 'raw' } }),
    );
    // Not raw: the chat carries no `raw` field of its own.
    const chat = completionAsChat({ ...completion, raw: false, reasoning_effort: 'low' }, 'vLLM');
    expect(chat).not.toHaveProperty('raw');
  });

  it('refuses a prompt of token ids where it must go as a chat, whose messages are text', () => {
    expect(() =>
      completionAsChat({ ...completion, prompt: [1, 2], system: 'Be brief.' }, 'vLLM'),
    ).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        message:
          'vLLM applies a system prompt only to chats, whose messages are text: send the prompt as text, not token ids',
        details: { param: 'prompt' },
      }),
    );
    // A plain completion of ids stays a completion: the server's completion route takes them.
    expect(completionAsChat({ ...completion, prompt: [1, 2] }, 'vLLM')).toBeUndefined();
  });
});
