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

describe('cancellation', () => {
  let fx: StreamFixture;
  let abortedAt: number | undefined;
  let abortReason: unknown;

  beforeAll(async () => {
    fx = await startStreamFixture();
    fx.server.serve(
      fx.subjects.chat('slow'),
      { schema: chatRequestSchema },
      async (_request, ctx) => {
        ctx.start({ kind: 'vllm', backend: 'vllm-1' });
        ctx.send({ type: 'delta', text: 'first' });
        await new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => {
            abortedAt = performance.now();
            abortReason = ctx.signal.reason;
            resolve();
          }),
        );
        throw ctx.signal.reason;
      },
    );
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it("reaches the handler's signal quickly when the caller aborts", async () => {
    const controller = new AbortController();
    const stream = fx.client.stream(fx.subjects.chat('slow'), chatRequest(), {
      timeoutMs: 10_000,
      signal: controller.signal,
    });
    let cancelledAt = 0;
    const error = await thrownBy(async () => {
      for await (const frame of stream) {
        if (frame.type === 'delta') {
          cancelledAt = performance.now();
          controller.abort();
        }
      }
    });
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).code).toBe('cancelled');

    await waitFor(() => abortedAt !== undefined, {
      timeoutMs: 1_000 + SCHEDULING_SLACK_MS,
      description: 'the handler abort',
    });
    const latencyMs = (abortedAt ?? Number.NaN) - cancelledAt;
    console.log(`cancel reached the handler in ${latencyMs.toFixed(2)} ms`);
    // Well under the server's 10 s default deadline, the only other way the handler would stop;
    // the measured value is printed above, the bound only allows for a loaded machine.
    expect(latencyMs).toBeLessThan(1_000 + SCHEDULING_SLACK_MS);
    expect(abortReason).toBeInstanceOf(SwitchyardError);
    expect((abortReason as SwitchyardError).code).toBe('cancelled');
    await waitFor(() => fx.server.inFlight === 0, { description: 'the handler to finish' });
  });
});
