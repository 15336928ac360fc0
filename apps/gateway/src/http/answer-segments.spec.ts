import { describe, expect, it } from '@jest/globals';
import { AnswerSegments, type SegmentChange } from './answer-segments.js';
import { deltaFrame } from '../../test/support/reply-frames.js';

const summary = (changes: SegmentChange[]) =>
  changes.map((change) =>
    change.type === 'append'
      ? `${change.type} ${change.segment.index} ${change.piece}`
      : `${change.type} ${change.segment.index} ${change.segment.kind}`,
  );

describe('AnswerSegments', () => {
  it('opens, appends to and closes one segment per run of a kind, in order', () => {
    const segments = new AnswerSegments();
    const changes = [
      ...segments.push(deltaFrame({ reasoning: 'Hm' })),
      ...segments.push(deltaFrame({ reasoning: 'm.', text: 'Yes' })),
      ...segments.push(deltaFrame({ text: '!' })),
      ...segments.push(
        deltaFrame({ tool_calls: [{ index: 0, id: 'a', name: 'f', arguments: '{}' }] }),
      ),
      ...segments.finish(),
    ];
    expect(summary(changes)).toEqual([
      'open 0 reasoning',
      'append 0 Hm',
      'append 0 m.',
      'close 0 reasoning',
      'open 1 text',
      'append 1 Yes',
      'append 1 !',
      'close 1 text',
      'open 2 tool_call',
      'append 2 {}',
      'close 2 tool_call',
    ]);
    expect(segments.segments).toEqual([
      { kind: 'reasoning', index: 0, text: 'Hmm.' },
      { kind: 'text', index: 1, text: 'Yes!', logprobs: [] },
      { kind: 'tool_call', index: 2, callIndex: 0, id: 'a', name: 'f', arguments: '{}' },
    ]);
    expect(segments.open).toBeUndefined();
  });

  it('gives a call without an id the chat API’s, and a late fragment to its own call', () => {
    const segments = new AnswerSegments();
    segments.push(deltaFrame({ tool_calls: [{ index: 0, name: 'f', arguments: '{' }] }));
    segments.push(deltaFrame({ tool_calls: [{ index: 1, id: 'b', name: 'g' }] }));
    const late = segments.push(deltaFrame({ tool_calls: [{ index: 0, arguments: '}' }] }));
    expect(summary(late)).toEqual(['append 0 }']);
    expect(
      segments.segments.map((s) => (s.kind === 'tool_call' ? [s.id, s.arguments] : [])),
    ).toEqual([
      ['call_0', '{}'],
      ['b', ''],
    ]);
    expect(segments.open?.index).toBe(1);
  });

  it('skips empty pieces, but keeps text that carries log-probabilities', () => {
    const segments = new AnswerSegments();
    expect(segments.push(deltaFrame({ text: '', reasoning: '' }))).toEqual([]);
    const logprobs = [{ token: '', logprob: -1 }];
    expect(summary(segments.push(deltaFrame({ text: '', logprobs })))).toEqual([
      'open 0 text',
      'append 0 ',
    ]);
  });
});
