import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { openAiAnswerEvents } from './openai-answer.translator.js';

// Non-streamed answers from the backend reference (vLLM and LM Studio, sections 3 and 4).
const CHAT_ANSWER = {
  id: 'chatcmpl-abc',
  object: 'chat.completion',
  created: 1740000000,
  model: 'my-model',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello!', reasoning_content: 'Greet back.' },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 12, total_tokens: 15, completion_tokens: 3 },
};

const TOOL_ANSWER = {
  model: 'my-model',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'chatcmpl-tool-1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
          },
        ],
      },
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 20, completion_tokens: 9 },
};

const clock = () => {
  let now = 1_000;
  return () => (now += 25);
};

describe('openAiAnswerEvents', () => {
  it('reads a chat answer as one delta with its text and reasoning, then the end', () => {
    expect(openAiAnswerEvents(CHAT_ANSWER, { mode: 'chat', now: clock() })).toEqual([
      { type: 'delta', text: 'Hello!', reasoning: 'Greet back.' },
      {
        type: 'end',
        finish_reason: 'stop',
        usage: { prompt_tokens: 12, completion_tokens: 3 },
        // Measured: the first output is seen with the last, so no speed can be told.
        timings: { source: 'worker', total_ms: 50, ttft_ms: 25 },
        model: 'my-model',
      },
    ]);
  });

  it('reads each tool call whole, with its id, name and arguments', () => {
    const events = openAiAnswerEvents(TOOL_ANSWER, { mode: 'chat', now: clock() });
    expect(events[0]).toEqual({
      type: 'delta',
      tool_calls: [
        { index: 0, id: 'chatcmpl-tool-1', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
      ],
    });
    expect(events[1]).toMatchObject({
      type: 'end',
      finish_reason: 'tool_calls',
      usage: { prompt_tokens: 20, completion_tokens: 9 },
    });
  });

  it('reads a completion answer from choices[0].text', () => {
    const answer = {
      choices: [{ index: 0, text: ' there was', finish_reason: 'length' }],
      usage: { prompt_tokens: 4, completion_tokens: 2 },
    };
    expect(openAiAnswerEvents(answer, { mode: 'completion', now: clock() })).toMatchObject([
      { type: 'delta', text: ' there was' },
      { type: 'end', finish_reason: 'length', usage: { prompt_tokens: 4, completion_tokens: 2 } },
    ]);
  });

  it('ends an empty answer with no delta', () => {
    const answer = { choices: [{ index: 0, message: { content: '' }, finish_reason: 'stop' }] };
    expect(openAiAnswerEvents(answer, { mode: 'chat' })).toMatchObject([
      { type: 'end', finish_reason: 'stop' },
    ]);
  });

  it('refuses an answer without a finish reason as a backend error', () => {
    for (const answer of [{ choices: [{ index: 0, message: { content: 'Hi' } }] }, {}, null]) {
      let thrown: unknown;
      try {
        openAiAnswerEvents(answer, { mode: 'chat' });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SwitchyardError);
      expect(thrown).toMatchObject({ code: 'backend_error' });
    }
  });
});
