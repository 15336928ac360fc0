import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema, type GeneratedTokenLogprob } from '@switchyard/contracts';
import { MAX_LOGPROBS_PER_FRAME } from '../src/server/logprob-pieces.js';
import {
  framesOf,
  startStreamFixture,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

// A non-streamed answer comes from the backend in one piece, its log-probabilities with it: 3,000
// tokens with 20 alternatives each are about 4 MB of JSON, four times NATS's default payload limit.
const TOKENS = 3_000;
const ALTERNATIVES = 20;

function entry(index: number): GeneratedTokenLogprob {
  const token = ` word${index}`;
  return {
    token,
    logprob: -0.25,
    bytes: [...Buffer.from(token)],
    top_logprobs: Array.from({ length: ALTERNATIVES }, (_unused, alt) => ({
      token: alt === 0 ? token : ` other${alt}`,
      logprob: -0.25 - alt,
      bytes: [...Buffer.from(alt === 0 ? token : ` other${alt}`)],
    })),
  };
}

describe('a delta with more log-probabilities than a frame can carry', () => {
  let fx: StreamFixture;
  const entries = Array.from({ length: TOKENS }, (_unused, index) => entry(index));
  const text = entries.map((item) => item.token).join('');

  beforeAll(async () => {
    fx = await startStreamFixture({ heartbeatIntervalMs: 60_000 });
    fx.server.serve(fx.subjects.chat('long'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      ctx.send({ type: 'delta', text, logprobs: entries, ttft_ms: 5 });
      return { finish_reason: 'stop', usage };
    });
    // Byte tokens that do not spell the text: the pieces still add up to it.
    fx.server.serve(fx.subjects.chat('bytes'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      ctx.send({
        type: 'delta',
        text: 'é'.repeat(200),
        logprobs: Array.from({ length: 400 }, () => ({ token: '\\xc3', logprob: -1 })),
      });
      return { finish_reason: 'stop', usage };
    });
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('goes out as several frames that join to the same text and entries', async () => {
    const frames = await framesOf(fx, 'long');
    const deltas = frames.filter((frame) => frame.type === 'delta');
    expect(frames.at(-1)).toMatchObject({ type: 'end', finish_reason: 'stop' });
    expect(deltas).toHaveLength(Math.ceil(TOKENS / MAX_LOGPROBS_PER_FRAME));
    expect(deltas.map((delta) => delta.text).join('')).toBe(text);
    expect(deltas.flatMap((delta) => delta.logprobs ?? [])).toEqual(entries);
    // Each piece carries the text of its own tokens, and only the first the time to first output.
    for (const delta of deltas) {
      expect(delta.text).toBe((delta.logprobs ?? []).map((item) => item.token).join(''));
    }
    expect(deltas.map((delta) => delta.ttft_ms)).toEqual([
      5,
      ...deltas.slice(1).map(() => undefined),
    ]);
  });

  it('keeps text its tokens do not spell, whole, across the pieces', async () => {
    const deltas = (await framesOf(fx, 'bytes')).filter((frame) => frame.type === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((delta) => delta.text).join('')).toBe('é'.repeat(200));
    expect(deltas.flatMap((delta) => delta.logprobs ?? [])).toHaveLength(400);
  });
});
