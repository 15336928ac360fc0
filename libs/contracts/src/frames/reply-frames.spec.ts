import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { z } from 'zod';
import { chatRequestSchema } from '../messages/chat-request.js';
import { completionRequestSchema } from '../messages/completion-request.js';
import { decodeMessage, encodeMessage } from './json-codec.js';
import { isTerminalFrame, replyFrameSchema, type ReplyFrame } from './reply-frames.js';

const frames: ReplyFrame[] = [
  {
    type: 'start',
    seq: 0,
    request_id: 'r1',
    worker: 'w1',
    kind: 'ollama',
    backend: 'ollama-1',
    cancel: 'switchyard.v1.cancel.r1',
  },
  { type: 'heartbeat', seq: 1, phase: 'loading' },
  {
    type: 'delta',
    seq: 2,
    text: 'Hel',
    tool_calls: [{ index: 0, id: 'call_1', name: 'f', arguments: '{"a"' }],
  },
  { type: 'delta', seq: 3, embedding: { index: 0, b64: 'AACAPw==' } },
  {
    type: 'delta',
    seq: 4,
    text: 'Hi there',
    logprobs: [
      {
        token: 'Hi',
        logprob: -0.1,
        bytes: [72, 105],
        top_logprobs: [{ token: 'Hi', logprob: -0.1 }],
      },
      { token: ' there', logprob: -1.5, top_logprobs: [] },
    ],
  },
  {
    type: 'end',
    seq: 5,
    finish_reason: 'stop',
    usage: { prompt_tokens: 3, completion_tokens: 1 },
    timings: { source: 'backend', ttft_ms: 12.5, tokens_per_second: 80 },
  },
  { type: 'error', seq: 6, error: new SwitchyardError('overloaded', 'busy').toWire() },
];

describe('reply frames', () => {
  it('round-trip through the JSON codec unchanged', () => {
    for (const frame of frames) {
      expect(decodeMessage(replyFrameSchema, encodeMessage(frame), 'frame')).toEqual(frame);
    }
  });

  it('mark end and error as terminal and nothing else', () => {
    expect(frames.filter(isTerminalFrame).map((frame) => frame.type)).toEqual(['end', 'error']);
  });

  it('reject frames of unknown type or without a sequence number', () => {
    expect(replyFrameSchema.safeParse({ type: 'bogus', seq: 1 }).success).toBe(false);
    expect(replyFrameSchema.safeParse({ type: 'delta', text: 'x' }).success).toBe(false);
    expect(replyFrameSchema.safeParse({ type: 'delta', seq: -1 }).success).toBe(false);
  });
});

describe('decodeMessage', () => {
  it('turns bytes that are not JSON into bad_request', () => {
    const error = captureError(() =>
      decodeMessage(chatRequestSchema, new TextEncoder().encode('{nope'), 'chat request'),
    );
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).code).toBe('bad_request');
    expect((error as SwitchyardError).message).toBe('chat request is not valid JSON');
  });

  it('names the invalid field', () => {
    const bytes = encodeMessage({ id: 'r1', model: 'm', messages: [] });
    const error = captureError(() =>
      decodeMessage(chatRequestSchema, bytes, 'chat request'),
    ) as SwitchyardError;
    expect(error.code).toBe('bad_request');
    expect(error.message).toMatch(
      /^chat request is invalid: messages: messages must hold at least one message/,
    );
  });
});

describe('messages a caller of its own gets for its mistakes', () => {
  const problem = (schema: z.ZodType, message: unknown, what: string) =>
    (captureError(() => decodeMessage(schema, encodeMessage(message), what)) as Error).message;

  it('say a missing field is required, whatever shapes it takes', () => {
    expect(problem(completionRequestSchema, { id: 'r1', model: 'm' }, 'complete request')).toBe(
      'complete request is invalid: prompt is required',
    );
    expect(problem(chatRequestSchema, { id: 'r1', model: 'm' }, 'chat request')).toBe(
      'chat request is invalid: messages is required',
    );
  });

  it('say which types a field of several shapes takes', () => {
    const chat = { id: 'r1', model: 'm', messages: [{ role: 'user', content: 5 }] };
    expect(problem(chatRequestSchema, chat, 'chat request')).toBe(
      'chat request is invalid: messages.0.content: Invalid input: expected string, array or null, received number',
    );
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
