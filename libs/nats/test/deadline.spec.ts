import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { chatRequestSchema, SwitchyardError } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import {
  chatRequest,
  startStreamFixture,
  thrownBy,
  type StreamFixture,
} from './support/stream-fixture.js';

describe('a deadline', () => {
  let fx: StreamFixture;
  const reasons: SwitchyardError[] = [];

  beforeAll(async () => {
    fx = await startStreamFixture({ heartbeatIntervalMs: 50 });
    fx.server.serve(
      fx.subjects.chat('forever'),
      { schema: chatRequestSchema },
      async (_request, ctx) => {
        ctx.start({ kind: 'vllm', backend: 'vllm-1' });
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        reasons.push(ctx.signal.reason as SwitchyardError);
        throw ctx.signal.reason;
      },
    );
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('set in the request (timeout_ms) makes the worker end with timeout', async () => {
    const started = performance.now();
    // The caller waits longer than the request allows, so it is the worker that gives up.
    const error = await thrownBy(() =>
      fx.client.collect(fx.subjects.chat('forever'), chatRequest({ timeout_ms: 200 }), {
        timeoutMs: 5_000,
      }),
    );
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).code).toBe('timeout');
    expect((error as SwitchyardError).message).toMatch(/deadline of 200 ms/);
    // The request's 200 ms, not the caller's 5 s, ended it.
    expect(performance.now() - started).toBeLessThan(200 + SCHEDULING_SLACK_MS);
    await waitFor(() => reasons.length === 1);
    expect(reasons[0]?.code).toBe('timeout');
  });

  it("of the caller fails with timeout and cancels the worker's request", async () => {
    const error = await thrownBy(() =>
      fx.client.collect(fx.subjects.chat('forever'), chatRequest(), { timeoutMs: 200 }),
    );
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).code).toBe('timeout');
    expect((error as SwitchyardError).message).toBe('no complete answer within 200 ms');
    await waitFor(() => reasons.length === 2, { description: 'the cancel to reach the handler' });
    expect(reasons[1]?.code).toBe('cancelled');
    expect(reasons[1]?.message).toMatch(/no complete answer within 200 ms/);
  });
});
