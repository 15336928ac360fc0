import { describe, expect, it } from '@jest/globals';
import type { EndFrame } from '@switchyard/contracts';
import { choiceBodies, choicesUsage, joinedAnswer } from './openai-choices.js';

const end = (prompt: number, completion: number): EndFrame => ({
  type: 'end',
  seq: 1,
  finish_reason: 'stop',
  usage: { prompt_tokens: prompt, completion_tokens: completion },
});

describe("a request's choices", () => {
  it('are the request itself when it asks for one answer', () => {
    const body = { prompt: 'a', seed: 7 };
    expect(choiceBodies(body, { n: 1 })).toEqual([body]);
    expect(choiceBodies(body, { n: 1, prompts: ['a'] })).toEqual([body]);
  });

  it("are each prompt's n samples in order, a fixed seed moved on per sample", () => {
    expect(
      choiceBodies({ prompt: 'a', seed: 7, max_tokens: 3 }, { n: 2, prompts: ['a', 'b'] }),
    ).toEqual([
      { prompt: 'a', seed: 7, max_tokens: 3 },
      { prompt: 'a', seed: 8, max_tokens: 3 },
      { prompt: 'b', seed: 7, max_tokens: 3 },
      { prompt: 'b', seed: 8, max_tokens: 3 },
    ]);
    const chat = { messages: [{ role: 'user', content: 'x' }] };
    expect(choiceBodies(chat, { n: 3 })).toEqual([chat, chat, chat]);
  });

  it("count each prompt's tokens once and every answer's tokens", () => {
    // Two prompts of 5 and 9 tokens, two samples each.
    expect(choicesUsage([end(5, 1), end(5, 2), end(9, 3), end(9, 4)], 2)).toEqual({
      prompt_tokens: 14,
      completion_tokens: 10,
    });
  });

  it('join whole answers into one, numbering the choices in order', () => {
    const answer = (text: string) => ({
      id: 'cmpl-1',
      object: 'text_completion',
      choices: [{ index: 0, text, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
    expect(
      joinedAnswer([answer('a'), answer('b')], { prompt_tokens: 1, completion_tokens: 2 }),
    ).toEqual({
      id: 'cmpl-1',
      object: 'text_completion',
      choices: [
        { index: 0, text: 'a', finish_reason: 'stop' },
        { index: 1, text: 'b', finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
  });
});
