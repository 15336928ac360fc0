import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema, SwitchyardError } from '@switchyard/contracts';
import { waitFor } from '@switchyard/testing';
import { RequestStreamClient } from '../src/index.js';
import {
  chatRequest,
  startStreamFixture,
  thrownBy,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

// A request one service forwards to another under a request id of its own, as the orchestrator
// forwards a pull to a worker: the caller's cancel reaches the last handler saying so once, where
// each hop used to prefix "the caller cancelled the request" again.
describe('a cancel passed on by a service that forwards the request', () => {
  let fx: StreamFixture;
  let reasons: Record<string, SwitchyardError>;

  beforeAll(async () => {
    fx = await startStreamFixture();
    const forwarder = new RequestStreamClient(fx.serverNc, {
      subjects: fx.subjects,
      idleTimeoutMs: 5_000,
    });
    fx.server.serve(fx.subjects.chat('last'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      ctx.send({ type: 'delta', text: 'working' });
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      reasons['last'] = ctx.signal.reason as SwitchyardError;
      throw ctx.signal.reason;
    });
    fx.server.serve(fx.subjects.chat('first'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      const frames = forwarder.stream(fx.subjects.chat('last'), chatRequest({ model: 'last' }), {
        timeoutMs: 10_000,
        signal: ctx.signal,
      });
      try {
        for await (const frame of frames) {
          if (frame.type === 'delta') ctx.send({ type: 'delta', text: frame.text });
        }
      } finally {
        reasons['first'] = ctx.signal.reason as SwitchyardError;
      }
      return { finish_reason: 'stop', usage };
    });
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it.each([
    // The CLI's own reason when its output is closed (`| head`) is no catalogued error.
    [
      'without a reason of its own',
      new Error('stdout was closed'),
      'the caller cancelled the request',
    ],
    [
      'with a reason',
      new SwitchyardError('cancelled', 'the reader went away'),
      'the caller cancelled the request: the reader went away',
    ],
  ])('says the caller cancelled once, %s', async (_case, abortReason, expected) => {
    reasons = {};
    const controller = new AbortController();
    const error = await thrownBy(async () => {
      const frames = fx.client.stream(fx.subjects.chat('first'), chatRequest({ model: 'first' }), {
        timeoutMs: 10_000,
        signal: controller.signal,
      });
      for await (const frame of frames) if (frame.type === 'delta') controller.abort(abortReason);
    });
    expect(error).toMatchObject({ code: 'cancelled' });
    await waitFor(() => reasons['last'] !== undefined && reasons['first'] !== undefined, {
      description: 'the cancel to reach both handlers',
    });
    expect(reasons['first']).toMatchObject({ code: 'cancelled', message: expected });
    expect(reasons['last']).toMatchObject({ code: 'cancelled', message: expected });
  });
});
