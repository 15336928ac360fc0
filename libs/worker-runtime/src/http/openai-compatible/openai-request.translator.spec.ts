import { describe, expect, it } from '@jest/globals';
import type { ChatMessage } from '@switchyard/contracts';
import {
  imageDataUrl,
  mergePassthrough,
  openAiCompletionBody,
  openAiReasoningEffort,
  openAiSampling,
  toOpenAiMessages,
  toOpenAiResponseFormat,
  toOpenAiTools,
} from './openai-request.translator.js';

describe('toOpenAiMessages', () => {
  it('translates every role, content shape and tool turn into the exact OpenAI message', () => {
    const messages: ChatMessage[] = [
      { role: 'developer', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hello' },
          { type: 'text', text: 'there' },
        ],
      },
      {
        role: 'user',
        name: 'ann',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', data: 'iVBORw0KGgoAAAA=', media_type: 'image/png' },
          { type: 'image', data: '/9j/4AAQ' },
        ],
      },
      {
        role: 'assistant',
        content: null,
        reasoning: 'The user wants weather.',
        tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Tokyo"}' }],
      },
      { role: 'tool', content: '{"temp":21}', tool_call_id: 'call_1' },
      { role: 'user', content: null },
    ];
    expect(toOpenAiMessages(messages)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello\nthere' },
      {
        role: 'user',
        name: 'ann',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAA=' } },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
        ],
      },
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
      { role: 'user', content: '' },
    ]);
  });

  it('guesses an image type from its bytes, defaulting to PNG', () => {
    expect(imageDataUrl('R0lGODlh')).toBe('data:image/gif;base64,R0lGODlh');
    expect(imageDataUrl('UklGRiQA')).toBe('data:image/webp;base64,UklGRiQA');
    expect(imageDataUrl('AAAA')).toBe('data:image/png;base64,AAAA');
  });
});

describe('tools, formats and sampling', () => {
  it('translates tools and every tool choice', () => {
    const tools = [
      { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } },
      { name: 'noop' },
    ];
    expect(toOpenAiTools(tools, { name: 'get_weather' })).toEqual({
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } },
        },
        { type: 'function', function: { name: 'noop' } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(toOpenAiTools(undefined, 'none')).toEqual({ tool_choice: 'none' });
    expect(toOpenAiTools([], undefined)).toEqual({});
  });

  it('nests a JSON schema the way OpenAI does and passes the other formats through', () => {
    expect(
      toOpenAiResponseFormat({ type: 'json_schema', schema: { type: 'object' }, strict: true }),
    ).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: { type: 'object' }, strict: true },
    });
    expect(toOpenAiResponseFormat({ type: 'json_object' })).toEqual({ type: 'json_object' });
    expect(toOpenAiResponseFormat(undefined)).toBeUndefined();
  });

  it('sends only the standard sampling fields that were set', () => {
    expect(openAiSampling({ max_tokens: 10, temperature: 0, top_k: 5, stop: ['\n'] })).toEqual({
      max_tokens: 10,
      temperature: 0,
      stop: ['\n'],
    });
  });

  it('maps reasoning effort onto low, medium and high', () => {
    expect(openAiReasoningEffort('max')).toBe('high');
    expect(openAiReasoningEffort('low')).toBe('low');
    expect(openAiReasoningEffort('none')).toBeUndefined();
  });

  it('merges passthrough over the body except the protected fields', () => {
    expect(
      mergePassthrough({ model: 'm', stream: true, top_k: 1 }, { model: 'x', top_k: 5, ttl: 60 }, [
        'model',
        'stream',
      ]),
    ).toEqual({ model: 'm', stream: true, top_k: 5, ttl: 60 });
  });

  it('refuses a completion suffix the server cannot take, naming suffix', () => {
    const rules = {
      server: 'vLLM',
      sampling: () => ({}),
      passthrough: () => undefined,
      ownKeys: ['model'],
    };
    expect(() =>
      openAiCompletionBody({ id: 'r', model: 'm', prompt: 'a', suffix: '}' }, rules),
    ).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        message: 'vLLM completions do not support a suffix',
        details: { param: 'suffix' },
      }),
    );
  });
});
