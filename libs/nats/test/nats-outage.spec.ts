import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { chatRequestSchema, SwitchyardError } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import { ConnectionWatch, RequestStreamClient } from '../src/index.js';
import { CANCEL_RESEND_INTERVAL_MS } from '../src/client/abandoned-routes.js';
import { startCallerBehindRelay, type CallerBehindRelay } from './support/caller-behind-relay.js';
import { chatRequest, serveEndless, thrownBy, usage } from './support/stream-fixture.js';

/** Longer than any test here waits: a stream that ends does so for the reason under test. */
const IDLE_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = IDLE_TIMEOUT_MS + 2 * SCHEDULING_SLACK_MS + 10_000;

// The caller reaches the server through a relay the test cuts or freezes; the worker has a link
// of its own, which stays up (see `startCallerBehindRelay`).
describe("an outage of the caller's NATS connection", () => {
  let fx: CallerBehindRelay;
  let endlessAborted = false;

  beforeAll(async () => {
    fx = await startCallerBehindRelay({ heartbeatIntervalMs: 1_000 });
    fx.server.serve(fx.subjects.chat('echo'), { schema: chatRequestSchema }, (request, ctx) => {
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      ctx.send({ type: 'delta', text: `echo ${request.id}` });
      return { finish_reason: 'stop', usage };
    });
    serveEndless(fx.server, fx.subjects.chat('endless'), () => (endlessAborted = true));
    await fx.workerNc.flush();
  });

  afterEach(() => fx.reconnected());
  afterAll(() => fx?.close());

  function clientWith(connection: ConnectionWatch, idleTimeoutMs = IDLE_TIMEOUT_MS) {
    return new RequestStreamClient(fx.callerNc, {
      subjects: fx.subjects,
      idleTimeoutMs,
      connection,
    });
  }

  it(
    'holds a request made while the connection is lost, and sends it once it is back',
    async () => {
      const client = clientWith(new ConnectionWatch(fx.callerNc, { outageWaitMs: 60_000 }));
      await fx.cutCaller();
      const request = chatRequest({ model: 'echo' });
      const answer = client.collect(fx.subjects.chat('echo'), request, { timeoutMs: 60_000 });
      // nats.js dials again meanwhile, and each dial drops whatever was published before it.
      await sleep(300);
      await fx.restoreCaller();
      const startedAt = performance.now();
      const result = await answer;
      console.log(`answered ${(performance.now() - startedAt).toFixed(0)} ms after reconnecting`);
      expect(result.text).toBe(`echo ${request.id}`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'waits out the outage, not the first-frame timeout, for a request made while it lasts',
    async () => {
      const client = clientWith(new ConnectionWatch(fx.callerNc, { outageWaitMs: 60_000 }));
      await fx.cutCaller();
      const request = chatRequest({ model: 'echo' });
      const answer = client.collect(fx.subjects.chat('echo'), request, {
        timeoutMs: 60_000,
        firstFrameTimeoutMs: 500,
      });
      // Three first-frame timeouts without a connection: none of them is the worker's silence.
      await sleep(1_500);
      await fx.restoreCaller();
      expect((await answer).text).toBe(`echo ${request.id}`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'holds at most maxHeldBytes of requests, and refuses the rest at once',
    async () => {
      const maxHeldBytes = 2_000;
      const client = clientWith(
        new ConnectionWatch(fx.callerNc, { outageWaitMs: 60_000, maxHeldBytes }),
      );
      // Some 1,500 bytes each: the first fits, the second would pass the bound.
      const request = () =>
        chatRequest({ model: 'echo', messages: [{ role: 'user', content: 'x'.repeat(1_400) }] });
      await fx.cutCaller();
      const first = request();
      const held = client.collect(fx.subjects.chat('echo'), first, { timeoutMs: 60_000 });
      const error = (await thrownBy(() =>
        client.collect(fx.subjects.chat('echo'), request(), { timeoutMs: 60_000 }),
      )) as SwitchyardError;
      expect(error.code).toBe('nats_unavailable');
      expect(error.message).toMatch(
        /is lost, and \d+ bytes of requests already wait for it: with this one \(\d+ bytes\) more than the 2000 held at most$/,
      );

      fx.relay.restore();
      expect((await held).text).toBe(`echo ${first.id}`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fails a stream it cuts off with nats_unavailable once the outage outlasts outage_wait_ms, and requests at once while it lasts',
    async () => {
      const outageWaitMs = 3_000;
      const client = clientWith(new ConnectionWatch(fx.callerNc, { outageWaitMs }));
      endlessAborted = false;
      const frames = client
        .stream(fx.subjects.chat('endless'), chatRequest({ model: 'endless', timeout_ms: 120_000 }))
        [Symbol.asyncIterator]();
      while ((await frames.next()).value?.type !== 'delta');

      fx.relay.cut();
      const cutAt = performance.now();
      let error = (await thrownBy(async () => {
        for (;;) await frames.next();
      })) as SwitchyardError;
      const failedAfterMs = performance.now() - cutAt;
      expect(error).toBeInstanceOf(SwitchyardError);
      expect(error.code).toBe('nats_unavailable');
      expect(error.httpStatus).toBe(503);
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/connection to the NATS server \(127\.0\.0\.1:\d+\) was lost/);
      expect(error.message).toContain('nats.outage_wait_ms (3000 ms)');
      // The wait is counted from the loss, which the caller notices a moment after the cut.
      expect(failedAfterMs).toBeGreaterThanOrEqual(outageWaitMs - 50);
      expect(failedAfterMs).toBeLessThan(outageWaitMs + SCHEDULING_SLACK_MS);

      const askedAt = performance.now();
      error = (await thrownBy(() =>
        client.collect(fx.subjects.chat('echo'), chatRequest({ model: 'echo' }), {
          timeoutMs: 60_000,
        }),
      )) as SwitchyardError;
      expect(error.code).toBe('nats_unavailable');
      // At once, not after another wait.
      expect(performance.now() - askedAt).toBeLessThan(outageWaitMs);

      // The cancel sent during the outage was lost; the generation's frames, once the caller is
      // back, have it sent again.
      fx.relay.restore();
      await waitFor(() => endlessAborted, {
        timeoutMs: CANCEL_RESEND_INTERVAL_MS + SCHEDULING_SLACK_MS + 5_000,
        description: 'the endless handler to be cancelled',
      });
      const request = chatRequest({ model: 'echo' });
      const result = await client.collect(fx.subjects.chat('echo'), request, { timeoutMs: 60_000 });
      expect(result.text).toBe(`echo ${request.id}`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'tells a server that hangs from a responder that went quiet, and dials again',
    async () => {
      const probeTimeoutMs = 500;
      const idleTimeoutMs = 1_000;
      const connection = new ConnectionWatch(fx.callerNc, { outageWaitMs: 60_000, probeTimeoutMs });
      const client = clientWith(connection, idleTimeoutMs);
      const frames = client
        .stream(fx.subjects.chat('endless'), chatRequest({ model: 'endless', timeout_ms: 120_000 }))
        [Symbol.asyncIterator]();
      while ((await frames.next()).value?.type !== 'delta');

      // The socket stays open and nothing comes back, as from a stopped server.
      fx.relay.freeze();
      const frozenAt = performance.now();
      const error = (await thrownBy(async () => {
        for (;;) await frames.next();
      })) as SwitchyardError;
      const failedAfterMs = performance.now() - frozenAt;
      expect(error).toBeInstanceOf(SwitchyardError);
      expect(error.code).toBe('nats_unavailable');
      expect(error.message).toMatch(
        /^no frame for 1000 ms, and the NATS server \(127\.0\.0\.1:\d+\) does not answer a ping/,
      );
      expect(failedAfterMs).toBeGreaterThanOrEqual(idleTimeoutMs + probeTimeoutMs - 50);
      expect(failedAfterMs).toBeLessThan(idleTimeoutMs + probeTimeoutMs + SCHEDULING_SLACK_MS);
      // Taken for lost: the client dials again rather than waiting minutes for its own pings.
      expect(connection.lost).toBe(true);
      await waitFor(() => fx.countOf('NATS reconnect forced') > 0, {
        description: 'the caller to dial again',
      });

      const reconnects = fx.countOf('NATS reconnected');
      fx.relay.thaw();
      await waitFor(() => fx.countOf('NATS reconnected') > reconnects, {
        timeoutMs: 1_000 + SCHEDULING_SLACK_MS + 5_000,
        description: 'the caller to reconnect once the server answers',
      });
      const request = chatRequest({ model: 'echo' });
      const result = await client.collect(fx.subjects.chat('echo'), request, { timeoutMs: 60_000 });
      expect(result.text).toBe(`echo ${request.id}`);
    },
    TEST_TIMEOUT_MS,
  );
});
