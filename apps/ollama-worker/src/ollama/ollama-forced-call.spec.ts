import { describe, expect, it } from '@jest/globals';
import { collect } from '@switchyard/testing';
import type { GenerationEvent } from '@switchyard/worker-runtime';
import { asForcedCall, forcedFunction } from './ollama-forced-call.js';

const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };

async function* answer(...events: GenerationEvent[]): AsyncGenerator<GenerationEvent> {
  yield* events;
}

describe('forcedFunction', () => {
  it('is the function tool_choice names, or the only tool when a call is required', () => {
    const tools = [{ name: 'a' }, { name: 'b' }];
    const chat = { id: 'r', model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] };
    expect(forcedFunction({ ...chat, tools, tool_choice: { name: 'b' } })).toEqual({ name: 'b' });
    expect(forcedFunction({ ...chat, tools: [{ name: 'a' }], tool_choice: 'required' })).toEqual({
      name: 'a',
    });
    expect(forcedFunction({ ...chat, tools, tool_choice: 'required' })).toBeUndefined();
    expect(forcedFunction({ ...chat, tools, tool_choice: 'auto' })).toBeUndefined();
    expect(forcedFunction({ ...chat, tool_choice: 'required' })).toBeUndefined();
  });
});

describe('asForcedCall', () => {
  it('streams the answer as the call’s arguments and finishes for the call', async () => {
    const events = await collect(
      asForcedCall(
        answer(
          { type: 'delta', reasoning: 'Paris, then.' },
          { type: 'delta', text: '{"city":', logprobs: [{ token: '{"', logprob: -0.1 }] },
          { type: 'delta', text: '"Paris"}' },
          { type: 'end', finish_reason: 'stop', usage },
        ),
        { name: 'get_weather' },
      ),
    );
    expect(events).toEqual([
      { type: 'delta', reasoning: 'Paris, then.' },
      {
        type: 'delta',
        tool_calls: [
          {
            index: 0,
            id: expect.stringMatching(/^call_[a-z0-9]{8}$/),
            name: 'get_weather',
            arguments: '{"city":',
          },
        ],
      },
      { type: 'delta', tool_calls: [{ index: 0, arguments: '"Paris"}' }] },
      { type: 'end', finish_reason: 'tool_calls', usage },
    ]);
  });

  it('leaves an answer cut at its limit cut, and one without text unfinished for a call', async () => {
    const cut = await collect(
      asForcedCall(
        answer({ type: 'delta', text: '{"ci' }, { type: 'end', finish_reason: 'length', usage }),
        { name: 'f' },
      ),
    );
    expect(cut.at(-1)).toEqual({ type: 'end', finish_reason: 'length', usage });
    const empty = await collect(
      asForcedCall(answer({ type: 'end', finish_reason: 'stop', usage }), { name: 'f' }),
    );
    expect(empty).toEqual([{ type: 'end', finish_reason: 'stop', usage }]);
  });
});
