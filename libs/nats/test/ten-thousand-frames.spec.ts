import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { chatRequestSchema } from '@switchyard/contracts';
import type { StreamFrame } from '../src/index.js';
import {
  chatRequest,
  startStreamFixture,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

const FRAMES = 10_000;

describe('a long stream', () => {
  let fx: StreamFixture;

  beforeAll(async () => {
    fx = await startStreamFixture();
    fx.server.serve(
      fx.subjects.chat('bulk'),
      { schema: chatRequestSchema },
      async (_request, ctx) => {
        ctx.start({ kind: 'ollama', backend: 'ollama-1' });
        // One delta per turn of the event loop, as tokens arriving one by one: deltas sent in the
        // same turn would be joined into one frame (see joined-deltas.spec.ts).
        for (let i = 0; i < FRAMES; i++) {
          ctx.send({ type: 'delta', text: `t${i} ` });
          await new Promise((resolve) => setImmediate(resolve));
        }
        return { finish_reason: 'stop', usage };
      },
    );
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it(`delivers ${FRAMES} deltas in order with no gap`, async () => {
    const frames: StreamFrame[] = [];
    for await (const frame of fx.client.stream(fx.subjects.chat('bulk'), chatRequest(), {
      timeoutMs: 20_000 + SCHEDULING_SLACK_MS,
    })) {
      frames.push(frame);
    }
    expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_frame, index) => index));
    expect(frames[0]?.type).toBe('start');
    expect(frames.at(-1)).toMatchObject({ type: 'end', finish_reason: 'stop', usage });
    const deltas = frames.filter((frame) => frame.type === 'delta');
    expect(deltas).toHaveLength(FRAMES);
    expect(deltas.every((delta, i) => delta.text === `t${i} `)).toBe(true);
  });
});
