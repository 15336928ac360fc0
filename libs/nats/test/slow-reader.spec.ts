import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema, SwitchyardError } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import { READER_BEHIND } from '../src/index.js';
import {
  chatRequest,
  startStreamFixture,
  thrownBy,
  type StreamFixture,
} from './support/stream-fixture.js';

describe('a caller that stops reading', () => {
  let fx: StreamFixture;
  let handlerAbort: SwitchyardError | undefined;
  // The flood starts once the caller has read the start frame, so the test controls who is behind.
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));

  beforeAll(async () => {
    fx = await startStreamFixture({ maxBufferedBytes: 4_096 });
    fx.server.serve(
      fx.subjects.chat('firehose'),
      { schema: chatRequestSchema },
      async (_request, ctx) => {
        ctx.start({ kind: 'vllm', backend: 'vllm-1' });
        await released;
        while (!ctx.signal.aborted) {
          for (let i = 0; i < 20; i++) ctx.send({ type: 'delta', text: 'x'.repeat(50) });
          await sleep(5);
        }
        handlerAbort = ctx.signal.reason as SwitchyardError;
        throw ctx.signal.reason;
      },
    );
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('fails its stream once the buffer bound is reached and cancels the work', async () => {
    const stream = fx.client.stream(fx.subjects.chat('firehose'), chatRequest(), {
      timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
    });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'start' });
    release();
    // Not reading: the buffer fills, the stream fails and the worker is told to stop.
    await waitFor(() => handlerAbort !== undefined, {
      description: 'the cancel to reach the handler',
    });
    const error = await thrownBy(async () => {
      for (;;) if ((await iterator.next()).done) return;
    });
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).code).toBe('stream_interrupted');
    expect((error as SwitchyardError).message).toMatch(/fell behind/);
    // The caller's own doing, told apart from a responder that went silent.
    expect((error as SwitchyardError).details).toEqual({ [READER_BEHIND]: true });
    expect(handlerAbort?.code).toBe('cancelled');
    expect(handlerAbort?.message).toMatch(/fell behind/);
  });
});
