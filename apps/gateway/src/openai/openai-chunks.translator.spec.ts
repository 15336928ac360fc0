import { describe, expect, it } from '@jest/globals';
import type { DeltaFrame, EndFrame } from '@switchyard/contracts';
import {
  assembleToolCalls,
  ChatChunkTranslator,
  chatCompletion,
} from './openai-chunks.translator.js';
import { decodeFloat32, embeddingList } from './openai-embeddings.translator.js';

const answer = { id: 'chatcmpl-1', created: 1, model: 'm' };
const end: EndFrame = {
  type: 'end',
  seq: 5,
  finish_reason: 'tool_calls',
  usage: { prompt_tokens: 3, completion_tokens: 4 },
};
const delta = (fields: Partial<DeltaFrame>): DeltaFrame => ({ type: 'delta', seq: 1, ...fields });

describe('frames as OpenAI chunks', () => {
  it('open with the role, pass tool-call fragments with their index, close with finish and usage', () => {
    const chunks = new ChatChunkTranslator(answer, true);
    expect(chunks.opening()).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [{ delta: { role: 'assistant', content: '' }, finish_reason: null }],
      usage: null,
    });
    expect(
      chunks.delta(delta({ tool_calls: [{ index: 1, id: 'c', name: 'f', arguments: '' }] })),
    ).toMatchObject({
      choices: [
        {
          delta: {
            tool_calls: [
              { index: 1, id: 'c', type: 'function', function: { name: 'f', arguments: '' } },
            ],
          },
        },
      ],
    });
    expect(chunks.delta(delta({ tool_calls: [{ index: 1, arguments: '{"a"' }] }))).toMatchObject({
      choices: [{ delta: { tool_calls: [{ index: 1, function: { arguments: '{"a"' } }] } }],
    });
    expect(chunks.delta(delta({}))).toBeUndefined();
    const closing = chunks.closing(end);
    expect(closing[0]).toMatchObject({ choices: [{ delta: {}, finish_reason: 'tool_calls' }] });
    expect(closing[1]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    });
  });

  it('leave usage out entirely unless asked for', () => {
    const chunks = new ChatChunkTranslator(answer, false);
    expect(chunks.opening()).not.toHaveProperty('usage');
    expect(chunks.closing(end)).toHaveLength(1);
  });

  it('assemble a whole answer: text, reasoning and tool calls in index order', () => {
    const body = chatCompletion(
      answer,
      [
        delta({ reasoning: 'hmm' }),
        delta({ tool_calls: [{ index: 1, id: 'b', name: 'g', arguments: '{}' }] }),
        delta({ tool_calls: [{ index: 0, id: 'a', name: 'f', arguments: '{"x"' }] }),
        delta({ tool_calls: [{ index: 0, arguments: ':1}' }] }),
      ],
      end,
    );
    expect(body).toMatchObject({
      choices: [
        {
          message: {
            role: 'assistant',
            content: null,
            reasoning_content: 'hmm',
            tool_calls: [
              { id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
              { id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
    });
    expect(assembleToolCalls([{ index: 2, name: 'h' }])).toEqual([
      { id: 'call_2', type: 'function', function: { name: 'h', arguments: '' } },
    ]);
  });

  it('pass base64 vectors through and decode floats exactly', () => {
    const values = new Float32Array([0.5, -1.25, 3.1415927]);
    const b64 = Buffer.from(values.buffer).toString('base64');
    expect(decodeFloat32(b64)).toEqual(Array.from(values));
    const frames = [
      delta({ embedding: { index: 1, b64 } }),
      delta({ embedding: { index: 0, b64 } }),
    ];
    const list = embeddingList('e', frames, { ...end, finish_reason: 'stop' }, 'base64');
    expect(list).toMatchObject({
      object: 'list',
      data: [
        { index: 0, embedding: b64 },
        { index: 1, embedding: b64 },
      ],
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
  });
});
