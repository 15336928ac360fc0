import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema, encodeMessage } from '@switchyard/contracts';
import { rawFrames } from './support/raw-frames.js';
import {
  chatRequest,
  startStreamFixture,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

describe('an invalid request', () => {
  let fx: StreamFixture;
  let handled = 0;

  beforeAll(async () => {
    fx = await startStreamFixture({ maxRequestBytes: 2_048 });
    fx.server.serve(
      fx.subjects.chat('strict'),
      { schema: chatRequestSchema, what: 'chat request' },
      (_request, ctx) => {
        handled++;
        ctx.start({ kind: 'ollama', backend: 'ollama-1' });
        return { finish_reason: 'stop', usage };
      },
    );
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  const framesFor = (payload: Uint8Array) =>
    rawFrames(fx.clientNc, fx.subjects.chat('strict'), payload, { quietMs: 150 });

  it('that is not JSON gets one bad_request error frame', async () => {
    const frames = await framesFor(new TextEncoder().encode('{not json'));
    expect(frames).toEqual([
      {
        type: 'error',
        seq: 0,
        error: expect.objectContaining({
          code: 'bad_request',
          message: 'chat request is not valid JSON',
          retryable: false,
        }),
      },
    ]);
  });

  it('that breaks the schema gets one bad_request naming the field', async () => {
    const frames = await framesFor(encodeMessage({ ...chatRequest(), messages: [] }));
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ type: 'error', seq: 0, error: { code: 'bad_request' } });
    expect(frames[0]?.type === 'error' && frames[0].error.message).toMatch(/messages/);
  });

  it('that is too large gets bad_request, and the handler never runs', async () => {
    const frames = await framesFor(
      encodeMessage(chatRequest({ messages: [{ role: 'user', content: 'x'.repeat(4_000) }] })),
    );
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({
      type: 'error',
      seq: 0,
      error: { code: 'bad_request', details: { limit_bytes: 2_048 } },
    });
    expect(handled).toBe(0);
  });
});
