import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { chatRequestSchema, SwitchyardError } from '@switchyard/contracts';
import type { StreamFrame } from '../src/index.js';
import {
  chatRequest,
  startStreamFixture,
  thrownBy,
  type StreamFixture,
} from './support/stream-fixture.js';

describe('a handler that throws', () => {
  let fx: StreamFixture;

  beforeAll(async () => {
    fx = await startStreamFixture();
    fx.server.serve(fx.subjects.chat('busy'), { schema: chatRequestSchema }, (_request, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      ctx.send({ type: 'delta', text: 'partial' });
      throw new SwitchyardError('overloaded', 'every slot is taken', {
        details: { retry_after_ms: 250 },
        cause: new Error('queue full'),
      });
    });
    fx.server.serve(fx.subjects.chat('buggy'), { schema: chatRequestSchema }, () => {
      throw new TypeError('undefined is not a function');
    });
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('ends the stream with an error frame carrying its code, after the frames it sent', async () => {
    const frames: StreamFrame[] = [];
    const error = await thrownBy(async () => {
      for await (const frame of fx.client.stream(fx.subjects.chat('busy'), chatRequest(), {
        timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
      })) {
        frames.push(frame);
      }
    });
    expect(frames.map((frame) => frame.type)).toEqual(['start', 'delta']);
    expect(error).toBeInstanceOf(SwitchyardError);
    const failure = error as SwitchyardError;
    expect(failure.code).toBe('overloaded');
    expect(failure.message).toBe('every slot is taken');
    expect(failure.retryable).toBe(true);
    expect(failure.details).toEqual({ retry_after_ms: 250 });
    expect((failure.cause as Error).message).toBe('queue full');
  });

  it('turns anything else into internal, even before start', async () => {
    const error = await thrownBy(() =>
      fx.client.collect(fx.subjects.chat('buggy'), chatRequest(), {
        timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
      }),
    );
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).code).toBe('internal');
    expect((error as SwitchyardError).message).toBe('undefined is not a function');
  });
});
