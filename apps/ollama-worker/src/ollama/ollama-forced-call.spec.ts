import { describe, expect, it } from '@jest/globals';
import { collect } from '@switchyard/testing';
import type { GenerationEvent } from '@switchyard/worker-runtime';
import { asForcedCall, forcedCall, type ForcedCall } from './ollama-forced-call.js';

const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };

const one = (name: string): ForcedCall => ({ kind: 'one', tool: { name } });
const any: ForcedCall = { kind: 'any', tools: [{ name: 'get_weather' }, { name: 'get_time' }] };

async function* answer(...events: GenerationEvent[]): AsyncGenerator<GenerationEvent> {
  yield* events;
}

describe('forcedCall', () => {
  it('is the function tool_choice names, the only tool, or any of several when a call is required', () => {
    const tools = [{ name: 'a' }, { name: 'b' }];
    const chat = { id: 'r', model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] };
    expect(forcedCall({ ...chat, tools, tool_choice: { name: 'b' } })).toEqual({
      kind: 'one',
      tool: { name: 'b' },
    });
    expect(forcedCall({ ...chat, tools: [{ name: 'a' }], tool_choice: 'required' })).toEqual({
      kind: 'one',
      tool: { name: 'a' },
    });
    expect(forcedCall({ ...chat, tools, tool_choice: 'required' })).toEqual({ kind: 'any', tools });
    expect(forcedCall({ ...chat, tools, tool_choice: 'auto' })).toBeUndefined();
    expect(forcedCall({ ...chat, tools, tool_choice: { name: 'c' } })).toBeUndefined();
    expect(forcedCall({ ...chat, tool_choice: 'required' })).toBeUndefined();
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
        one('get_weather'),
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
        one('f'),
      ),
    );
    expect(cut.at(-1)).toEqual({ type: 'end', finish_reason: 'length', usage });
    const empty = await collect(
      asForcedCall(answer({ type: 'end', finish_reason: 'stop', usage }), one('f')),
    );
    expect(empty).toEqual([{ type: 'end', finish_reason: 'stop', usage }]);
  });

  it('holds an answer naming one of several functions and sends it as that whole call', async () => {
    const events = await collect(
      asForcedCall(
        answer(
          { type: 'delta', reasoning: 'The time.' },
          { type: 'delta', text: '{"name":"get_time",', logprobs: [{ token: '{"', logprob: -1 }] },
          { type: 'delta', text: '"arguments":{"zone": "UTC"}}' },
          { type: 'end', finish_reason: 'stop', usage },
        ),
        any,
      ),
    );
    expect(events).toEqual([
      { type: 'delta', reasoning: 'The time.' },
      {
        type: 'delta',
        tool_calls: [
          {
            index: 0,
            id: expect.stringMatching(/^call_[a-z0-9]{8}$/),
            name: 'get_time',
            arguments: '{"zone":"UTC"}',
          },
        ],
      },
      { type: 'end', finish_reason: 'tool_calls', usage },
    ]);
  });

  it('sends an answer that is no call of an offered function as the text it is', async () => {
    const text = (pieces: string[], finish: 'stop' | 'length') =>
      collect(
        asForcedCall(
          answer(...pieces.map((piece): GenerationEvent => ({ type: 'delta', text: piece })), {
            type: 'end',
            finish_reason: finish,
            usage,
          }),
          any,
        ),
      );
    const cut = ['{"name":"get_time",', '"argu'];
    expect(await text(cut, 'length')).toEqual([
      { type: 'delta', text: cut[0] },
      { type: 'delta', text: cut[1] },
      { type: 'end', finish_reason: 'length', usage },
    ]);
    for (const other of ['{"name":"rm_rf","arguments":{}}', '{"name":"get_time","arguments":1}']) {
      expect(await text([other], 'stop')).toEqual([
        { type: 'delta', text: other },
        { type: 'end', finish_reason: 'stop', usage },
      ]);
    }
  });
});
