import { describe, expect, it } from '@jest/globals';
import type { DeltaFrame, EndFrame } from '@switchyard/contracts';
import {
  assembleToolCalls,
  ChatChunkTranslator,
  chatCompletion,
  CompletionChunkTranslator,
  textCompletion,
} from './openai-chunks.translator.js';
import { jsonPieces } from '../http/json-pieces.js';
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

  describe('with logprobs', () => {
    const stop: EndFrame = { ...end, finish_reason: 'stop' };
    // "é" is two UTF-8 bytes and one character; "🙂" four bytes, one character, two UTF-16 units.
    const first = delta({
      text: 'Hé',
      logprobs: [
        {
          token: 'H',
          logprob: -0.5,
          bytes: [72],
          top_logprobs: [
            { token: 'H', logprob: -0.5, bytes: [72] },
            { token: 'W', logprob: -1 },
          ],
        },
        { token: 'é', logprob: -0.25, top_logprobs: [{ token: 'e', logprob: -2 }] },
      ],
    });
    const second = delta({
      text: '🙂!',
      logprobs: [
        { token: '🙂', logprob: -1.5, top_logprobs: [] },
        { token: '!', logprob: -0.75, top_logprobs: [] },
      ],
    });
    const content = [
      {
        token: 'H',
        logprob: -0.5,
        bytes: [72],
        top_logprobs: [
          { token: 'H', logprob: -0.5, bytes: [72] },
          { token: 'W', logprob: -1, bytes: [87] },
        ],
      },
      {
        token: 'é',
        logprob: -0.25,
        bytes: [195, 169],
        top_logprobs: [{ token: 'e', logprob: -2, bytes: [101] }],
      },
      { token: '🙂', logprob: -1.5, bytes: [240, 159, 153, 130], top_logprobs: [] },
      { token: '!', logprob: -0.75, bytes: [33], top_logprobs: [] },
    ];
    const columns = {
      tokens: ['H', 'é', '🙂', '!'],
      token_logprobs: [-0.5, -0.25, -1.5, -0.75],
      top_logprobs: [{ H: -0.5, W: -1 }, { é: -0.25, e: -2 }, { '🙂': -1.5 }, { '!': -0.75 }],
      // Counted in characters: "🙂" is one, as OpenAI's and vLLM's Python count it.
      text_offset: [0, 1, 2, 3],
    };
    const logprobsOf = (chunk: unknown) =>
      (chunk as { choices: { logprobs: unknown }[] }).choices[0]?.logprobs;

    it("stream each text chunk's tokens with their bytes, other chunks null", () => {
      const chunks = new ChatChunkTranslator(answer, false, true);
      expect(logprobsOf(chunks.opening())).toBeNull();
      expect(logprobsOf(chunks.delta(first))).toEqual({
        content: content.slice(0, 2),
        refusal: null,
      });
      expect(logprobsOf(chunks.delta(second))).toEqual({
        content: content.slice(2),
        refusal: null,
      });
      expect(logprobsOf(chunks.delta(delta({ reasoning: 'hmm' })))).toBeNull();
      expect(logprobsOf(chunks.delta(delta({ text: 'x' })))).toEqual({
        content: [],
        refusal: null,
      });
      expect(logprobsOf(chunks.closing(stop)[0])).toBeNull();
      const unasked = new ChatChunkTranslator(answer, false);
      expect(logprobsOf(unasked.delta(first))).toBeNull();
    });

    it('give a whole chat every token, nothing when the backend gave none, null unasked', () => {
      const frames = [delta({ reasoning: 'hmm' }), first, second];
      expect(logprobsOf(chatCompletion(answer, frames, stop, true))).toEqual({
        content,
        refusal: null,
      });
      expect(logprobsOf(chatCompletion(answer, [delta({ text: 'x' })], stop, true))).toEqual({
        content: [],
        refusal: null,
      });
      expect(logprobsOf(chatCompletion(answer, frames, stop))).toBeNull();
    });

    it('give a completion its columns, offsets running on across streamed chunks', () => {
      const whole = textCompletion(answer, [first, second], stop, true);
      expect(whole).toMatchObject({ choices: [{ text: 'Hé🙂!', logprobs: columns }] });
      expect(logprobsOf(textCompletion(answer, [first], stop))).toBeNull();
      const chunks = new CompletionChunkTranslator(answer, false, true);
      const column = (from: number, to: number) =>
        Object.fromEntries(
          Object.entries(columns).map(([key, values]) => [key, values.slice(from, to)]),
        );
      expect(logprobsOf(chunks.delta(first))).toEqual(column(0, 2));
      expect(logprobsOf(chunks.delta(second))).toEqual(column(2, 4));
      expect(logprobsOf(chunks.delta(delta({ text: 'x' })))).toEqual(column(4, 4));
      expect(logprobsOf(chunks.closing(stop)[0])).toBeNull();
      expect(logprobsOf(new CompletionChunkTranslator(answer, false).delta(first))).toBeNull();
    });

    it('keep a token named __proto__ as a key like any other', () => {
      const odd = delta({ text: '__proto__', logprobs: [{ token: '__proto__', logprob: -1 }] });
      const body = textCompletion(answer, [odd], stop, true) as {
        choices: { logprobs: { top_logprobs: Record<string, number>[] } }[];
      };
      expect(JSON.stringify(body.choices[0]?.logprobs.top_logprobs)).toBe('[{"__proto__":-1}]');
    });
  });

  it('pass base64 vectors through and decode floats exactly', () => {
    const values = new Float32Array([0.5, -1.25, 3.1415927]);
    const b64 = Buffer.from(values.buffer).toString('base64');
    expect(decodeFloat32(b64)).toEqual(Array.from(values));
    const frames = [
      delta({ embedding: { index: 1, b64 } }),
      delta({ embedding: { index: 0, b64 } }),
    ];
    const answer = embeddingList('e', frames, { ...end, finish_reason: 'stop' }, 'base64');
    const list = JSON.parse([...jsonPieces(answer)].join('')) as unknown;
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
