import { describe, expect, it } from '@jest/globals';
import type { EndFrame } from '@switchyard/contracts';
import { MessageEvents } from './anthropic-message-events.js';
import { deltaFrame, endFrame } from '../../test/support/reply-frames.js';

const identity = { id: 'msg_req_1', model: 'm' };
const frames = [
  deltaFrame({ reasoning: 'Hmm.' }),
  deltaFrame({ text: 'Checking.' }),
  deltaFrame({ tool_calls: [{ index: 0, id: 'call_a', name: 'f', arguments: '{"x"' }] }),
  deltaFrame({ tool_calls: [{ index: 0, arguments: ':1}' }] }),
];

describe('MessageEvents', () => {
  it('streams a block per run of thinking, text and tool use, then the stop reason and usage', () => {
    const events = new MessageEvents(identity);
    const all = [
      ...events.start(),
      ...frames.flatMap((f) => events.delta(f)),
      ...events.end(endFrame('tool_calls')),
    ];
    expect(all).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_req_1',
          type: 'message',
          role: 'assistant',
          model: 'm',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: 0,
            output_tokens: 0,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
          },
        },
      },
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'thinking_delta', thinking: 'Hmm.' },
      },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Checking.' } },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'call_a', name: 'f', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 2,
        delta: { type: 'input_json_delta', partial_json: '{"x"' },
      },
      {
        type: 'content_block_delta',
        index: 2,
        delta: { type: 'input_json_delta', partial_json: ':1}' },
      },
      { type: 'content_block_stop', index: 2 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: {
          input_tokens: 5,
          output_tokens: 7,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
      { type: 'message_stop' },
    ]);
  });

  it('gives a whole message the blocks whole, tool input parsed', () => {
    const whole = new MessageEvents(identity).whole(frames, endFrame('tool_calls'));
    expect(whole['content']).toEqual([
      { type: 'thinking', thinking: 'Hmm.', signature: '' },
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'call_a', name: 'f', input: { x: 1 } },
    ]);
    expect([whole['stop_reason'], whole['usage']]).toEqual([
      'tool_use',
      {
        input_tokens: 5,
        output_tokens: 7,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    ]);
  });

  it('says why the model stopped in Anthropic’s words, and gives broken arguments as {}', () => {
    const stop = (finish: EndFrame['finish_reason']) =>
      new MessageEvents(identity).whole([deltaFrame({ text: 'x' })], endFrame(finish))[
        'stop_reason'
      ];
    expect([stop('stop'), stop('length'), stop('content_filter')]).toEqual([
      'end_turn',
      'max_tokens',
      'refusal',
    ]);
    const broken = new MessageEvents(identity).whole(
      [deltaFrame({ tool_calls: [{ index: 0, name: 'f', arguments: '{"x":' }] })],
      endFrame('tool_calls'),
    );
    expect(broken['content']).toEqual([{ type: 'tool_use', id: 'call_0', name: 'f', input: {} }]);
  });
});
