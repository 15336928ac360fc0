import { describe, expect, it } from '@jest/globals';
import { SwitchyardError, type DeltaFrame, type EndFrame } from '@switchyard/contracts';
import { ResponseEvents, type ResponseEvent } from './response-events.js';
import { deltaFrame, endFrame } from '../../../test/support/reply-frames.js';

const identity = { id: 'resp_req_1', createdAt: 1_700_000_000, model: 'm' };
const settings = { instructions: null, store: false };

function run(frames: DeltaFrame[], finish: EndFrame['finish_reason'] = 'stop'): ResponseEvent[] {
  const events = new ResponseEvents(identity, settings, false);
  return [
    ...events.created(),
    ...frames.flatMap((frame) => events.delta(frame)),
    ...events.end(endFrame(finish)),
  ];
}

describe('ResponseEvents', () => {
  it('opens and closes one item per kind, in the order the model produced them', () => {
    const events = run([
      deltaFrame({ reasoning: 'Think' }),
      deltaFrame({ reasoning: 'ing.' }),
      deltaFrame({ text: 'Calling' }),
      deltaFrame({ tool_calls: [{ index: 0, id: 'call_a', name: 'f', arguments: '{"x"' }] }),
      deltaFrame({ tool_calls: [{ index: 0, arguments: ':1}' }] }),
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.map((event) => [event.type, event['output_index'] ?? null])).toEqual([
      ['response.created', null],
      ['response.in_progress', null],
      ['response.output_item.added', 0],
      ['response.content_part.added', 0],
      ['response.reasoning_text.delta', 0],
      ['response.reasoning_text.delta', 0],
      ['response.reasoning_text.done', 0],
      ['response.content_part.done', 0],
      ['response.output_item.done', 0],
      ['response.output_item.added', 1],
      ['response.content_part.added', 1],
      ['response.output_text.delta', 1],
      ['response.output_text.done', 1],
      ['response.content_part.done', 1],
      ['response.output_item.done', 1],
      ['response.output_item.added', 2],
      ['response.function_call_arguments.delta', 2],
      ['response.function_call_arguments.delta', 2],
      ['response.function_call_arguments.done', 2],
      ['response.output_item.done', 2],
      ['response.completed', null],
    ]);
    const completed = events.at(-1)?.['response'] as Record<string, unknown>;
    expect(completed['output']).toEqual([
      {
        type: 'reasoning',
        id: 'rs_req_1_0',
        summary: [],
        content: [{ type: 'reasoning_text', text: 'Thinking.' }],
        status: 'completed',
      },
      {
        type: 'message',
        id: 'msg_req_1_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Calling', annotations: [], logprobs: [] }],
      },
      {
        type: 'function_call',
        id: 'fc_req_1_2',
        call_id: 'call_a',
        name: 'f',
        arguments: '{"x":1}',
        status: 'completed',
      },
    ]);
    expect(completed).toMatchObject({
      id: 'resp_req_1',
      object: 'response',
      created_at: identity.createdAt,
      status: 'completed',
      model: 'm',
      store: false,
      usage: { input_tokens: 5, output_tokens: 7, total_tokens: 12 },
    });
    // The created event's response is the empty one, as it was then.
    expect(events[0]?.['response']).toMatchObject({
      status: 'in_progress',
      output: [],
      usage: null,
    });
  });

  it('gives each of several calls an item, and the fragments of an earlier call to it', () => {
    const events = run([
      deltaFrame({ tool_calls: [{ index: 0, id: 'a', name: 'f', arguments: '{' }] }),
      deltaFrame({ tool_calls: [{ index: 1, id: 'b', name: 'g', arguments: '{}' }] }),
      deltaFrame({ tool_calls: [{ index: 0, arguments: '}' }] }),
    ]);
    const output = (events.at(-1)?.['response'] as { output: Record<string, unknown>[] }).output;
    expect(output.map((item) => [item['call_id'], item['name'], item['arguments']])).toEqual([
      ['a', 'f', '{}'],
      ['b', 'g', '{}'],
    ]);
    const late = events
      .filter((event) => event.type === 'response.function_call_arguments.delta')
      .at(-1);
    expect([late?.['output_index'], late?.['delta']]).toEqual([0, '}']);
  });

  it('says incomplete, with the reason, for an answer cut at its token limit', () => {
    const events = run([deltaFrame({ text: 'Cut' })], 'length');
    const last = events.at(-1);
    expect(last?.type).toBe('response.incomplete');
    expect(last?.['response']).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [{ type: 'message', status: 'incomplete' }],
    });
  });

  it('carries the tokens’ log-probabilities only when asked', () => {
    const logprobs = [
      { token: 'Hi', logprob: -0.5, top_logprobs: [{ token: 'Hi', logprob: -0.5 }] },
    ];
    const asked = new ResponseEvents(identity, settings, true);
    const whole = asked.whole([deltaFrame({ text: 'Hi', logprobs })], endFrame('stop'));
    const entry = { token: 'Hi', logprob: -0.5, bytes: [72, 105] };
    expect(whole['output']).toMatchObject([
      { content: [{ text: 'Hi', logprobs: [{ ...entry, top_logprobs: [entry] }] }] },
    ]);
    const unasked = new ResponseEvents(identity, settings, false);
    expect(
      unasked.whole([deltaFrame({ text: 'Hi', logprobs })], endFrame('stop'))['output'],
    ).toMatchObject([{ content: [{ logprobs: [] }] }]);
  });

  it('fails with the items so far and the error', () => {
    const events = new ResponseEvents(identity, settings, false);
    events.created();
    events.delta(deltaFrame({ text: 'Half' }));
    const [failed] = events.failed(
      new SwitchyardError('stream_interrupted', 'the backend went away'),
    );
    expect(failed?.type).toBe('response.failed');
    expect(failed?.['response']).toMatchObject({
      status: 'failed',
      error: { code: 'server_error', message: 'the backend went away (stream_interrupted)' },
      output: [{ type: 'message', status: 'incomplete', content: [{ text: 'Half' }] }],
    });
  });
  it('names a function of a namespace by its namespace and name, as the client knows it', () => {
    const clientName = (flat: string) =>
      flat === 'agents__close' ? { namespace: 'agents', name: 'close' } : { name: flat };
    const events = new ResponseEvents(identity, settings, false, clientName);
    const all = [
      ...events.created(),
      ...events.delta(
        deltaFrame({
          tool_calls: [{ index: 0, id: 'call_a', name: 'agents__close', arguments: '{}' }],
        }),
      ),
      ...events.end(endFrame('tool_calls')),
    ];
    const done = all.find((event) => event.type === 'response.function_call_arguments.done');
    expect(done).toMatchObject({ namespace: 'agents', name: 'close', arguments: '{}' });
    const completed = all.at(-1)?.['response'] as { output: unknown[] };
    expect(completed.output).toEqual([
      {
        type: 'function_call',
        id: 'fc_req_1_0',
        call_id: 'call_a',
        namespace: 'agents',
        name: 'close',
        arguments: '{}',
        status: 'completed',
      },
    ]);
  });
});
