import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema, encodeMessage, isTerminalFrame } from '@switchyard/contracts';
import { sleep } from '@switchyard/testing';
import type { StreamContext } from '../src/index.js';
import { rawFrames } from './support/raw-frames.js';
import {
  chatRequest,
  startStreamFixture,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

describe('every reply', () => {
  let fx: StreamFixture;

  beforeAll(async () => {
    fx = await startStreamFixture({ heartbeatIntervalMs: 30 });
    // Keeps talking after it returned, as a careless adapter with a stray callback would.
    fx.server.serve(fx.subjects.chat('chatty'), { schema: chatRequestSchema }, (_request, ctx) => {
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      ctx.send({ type: 'delta', text: 'a' });
      setTimeout(() => ctx.send({ type: 'delta', text: 'late' }), 20);
      return { finish_reason: 'stop', usage };
    });
    // Ignores its deadline and returns an end long after the timeout went out.
    fx.server.serve(
      fx.subjects.chat('stubborn'),
      { schema: chatRequestSchema },
      async (_request, ctx: StreamContext) => {
        ctx.start({ kind: 'ollama', backend: 'ollama-1' });
        await sleep(200);
        ctx.send({ type: 'delta', text: 'too late' });
        return { finish_reason: 'stop', usage };
      },
    );
    // Throws after its end was already decided by a cancel-like abort: nothing more goes out.
    fx.server.serve(
      fx.subjects.chat('twice'),
      { schema: chatRequestSchema },
      async (_request, ctx) => {
        ctx.start({ kind: 'ollama', backend: 'ollama-1' });
        await sleep(100);
        throw new Error('after the deadline');
      },
    );
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it.each([
    ['returns and then sends more', 'chatty', 'end'],
    ['ignores its deadline', 'stubborn', 'error'],
    ['throws after its deadline', 'twice', 'error'],
  ])('has exactly one terminal frame, last, when the handler %s', async (_case, model, type) => {
    const frames = await rawFrames(
      fx.clientNc,
      fx.subjects.chat(model),
      encodeMessage(chatRequest({ timeout_ms: 50 })),
      { quietMs: 300 },
    );
    expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_frame, index) => index));
    expect(frames.filter(isTerminalFrame)).toHaveLength(1);
    expect(frames.at(-1)?.type).toBe(type);
    expect(frames[0]?.type).toBe('start');
  });
});
