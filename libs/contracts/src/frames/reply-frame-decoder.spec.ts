import { describe, expect, it } from '@jest/globals';
import { decodeMessage } from './json-codec.js';
import { decodeReplyFrame, textDelta } from './reply-frame-decoder.js';
import { replyFrameSchema } from './reply-frames.js';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/** What decoding gave: the frame, or the error's code and message. */
function outcome(decode: () => unknown): unknown {
  try {
    return { frame: decode() };
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
}

/** A small seeded generator, so a failure names a case that can be run again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const KEYS = ['type', 'seq', 'text', 'reasoning', 'ttft_ms', 'logprobs', 'finish_reason', 'x'];
const VALUES = [
  '"delta"',
  '"end"',
  '0',
  '7',
  '-1',
  '1.5',
  '-0',
  '9007199254740993',
  '1e999',
  '"Hel"',
  '""',
  'null',
  'true',
  '[]',
  '{}',
];

/** JSON text of a frame-like object with some of the keys, in any order, any values. */
function frameText(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const fields = [`"type":${next() < 0.8 ? '"delta"' : pick(VALUES)}`];
  if (next() < 0.9) fields.push(`"seq":${next() < 0.7 ? '3' : pick(VALUES)}`);
  const extra = Math.floor(next() * 4);
  for (let i = 0; i < extra; i++) {
    const key = pick(KEYS);
    const value =
      key === 'text' || key === 'reasoning' ? (next() < 0.7 ? '"lo"' : pick(VALUES)) : pick(VALUES);
    fields.push(`"${key}":${value}`);
  }
  fields.sort(() => next() - 0.5);
  return `{${fields.join(',')}}`;
}

describe('decoding a reply frame', () => {
  it('takes a delta of text as it came, without the schema', () => {
    const json = { type: 'delta', seq: 4, text: 'Hel', reasoning: 'hmm', ttft_ms: 12.5 };
    expect(textDelta(json)).toBe(json);
    expect(decodeReplyFrame(bytes(JSON.stringify(json)))).toEqual(json);
  });

  it('leaves every other frame to the schema', () => {
    for (const json of [
      { type: 'delta', seq: 1, tool_calls: [{ index: 0, name: 'f' }] },
      { type: 'delta', seq: 1, text: 'a', logprobs: [] },
      { type: 'delta', seq: 1.5, text: 'a' },
      { type: 'delta', seq: 1, text: 7 },
      { type: 'delta', seq: 1, ttft_ms: -1 },
      { type: 'heartbeat', seq: 1 },
      {
        type: 'end',
        seq: 2,
        finish_reason: 'stop',
        usage: { prompt_tokens: 1, completion_tokens: 1 },
      },
      [{ type: 'delta', seq: 1 }],
      null,
      'delta',
    ]) {
      expect(textDelta(json)).toBeUndefined();
    }
    expect(
      textDelta(JSON.parse('{"type":"delta","seq":1,"__proto__":{"text":"a"}}')),
    ).toBeUndefined();
  });

  it('gives what the schema gives, frame or error, for any frame (2,000 generated)', () => {
    const next = random(9);
    let byHand = 0;
    for (let i = 0; i < 2000; i++) {
      const text = frameText(next);
      const expected = outcome(() => decodeMessage(replyFrameSchema, bytes(text), 'reply frame'));
      expect({ text, outcome: outcome(() => decodeReplyFrame(bytes(text))) }).toEqual({
        text,
        outcome: expected,
      });
      if (textDelta(JSON.parse(text)) !== undefined) byHand++;
    }
    // Both ways were compared: many frames were taken by hand, many left to the schema.
    expect(byHand).toBeGreaterThan(200);
    expect(byHand).toBeLessThan(1800);
  });

  it('names bad JSON as decodeMessage does', () => {
    expect(outcome(() => decodeReplyFrame(bytes('{nope')))).toEqual(
      outcome(() => decodeMessage(replyFrameSchema, bytes('{nope'), 'reply frame')),
    );
  });
});
