import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { chatRequestSchema, Subjects, SwitchyardError } from '@switchyard/contracts';
import {
  SCHEDULING_SLACK_MS,
  sleep,
  startNatsServer,
  TcpRelay,
  waitFor,
  type NatsServer,
} from '@switchyard/testing';
import {
  ConnectionWatch,
  connectNats,
  RequestStreamClient,
  StreamServer,
  type NatsConnection,
} from '../src/index.js';
import { CANCEL_RESEND_INTERVAL_MS } from '../src/client/abandoned-routes.js';
import {
  chatRequest,
  recordingLogger,
  serveEndless,
  thrownBy,
  usage,
} from './support/stream-fixture.js';

/** Longer than any test here waits: a stream that ends does so for the reason under test. */
const IDLE_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = IDLE_TIMEOUT_MS + 2 * SCHEDULING_SLACK_MS + 10_000;

// The caller reaches the server through a relay the test cuts or freezes; the worker has a link
// of its own, which stays up: only the caller is cut off, as when its node of a cluster dies.
describe("an outage of the caller's NATS connection", () => {
  let nats: NatsServer;
  let relay: TcpRelay;
  let workerNc: NatsConnection;
  let callerNc: NatsConnection;
  let server: StreamServer;
  const callerLog = recordingLogger();
  const subjects = new Subjects();
  let endlessAborted = false;

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
    relay = await TcpRelay.start(nats.port);
    workerNc = await connectNats({ servers: [nats.url] }, { name: 'worker' });
    callerNc = await connectNats(
      { servers: [relay.natsUrl], reconnect_wait_ms: 50, connect_timeout_ms: 1_000 },
      { name: 'caller', logger: callerLog },
    );
    server = new StreamServer(workerNc, {
      subjects,
      workerId: 'worker-1',
      heartbeatIntervalMs: 1_000,
      defaultTimeoutMs: 120_000,
    });
    server.serve(subjects.chat('echo'), { schema: chatRequestSchema }, (request, ctx) => {
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      ctx.send({ type: 'delta', text: `echo ${request.id}` });
      return { finish_reason: 'stop', usage };
    });
    serveEndless(server, subjects.chat('endless'), () => (endlessAborted = true));
    await workerNc.flush();
  });

  afterEach(async () => {
    relay.thaw();
    relay.restore();
    // A flush fails while the caller is dialling; one that succeeds finds it back.
    await waitFor(() => callerNc.flush().then(() => true), {
      description: 'the caller to be connected again',
    });
  });

  afterAll(async () => {
    await server?.stop({ graceMs: 0 });
    await Promise.all([workerNc?.close(), callerNc?.close()]);
    await relay?.close();
    await nats?.stop();
  });

  function clientWith(connection: ConnectionWatch, idleTimeoutMs = IDLE_TIMEOUT_MS) {
    return new RequestStreamClient(callerNc, { subjects, idleTimeoutMs, connection });
  }

  async function cutAndWaitForTheCallerToNotice(): Promise<void> {
    const disconnects = countOf('NATS disconnected; reconnecting');
    relay.cut();
    await waitFor(() => countOf('NATS disconnected; reconnecting') > disconnects, {
      description: 'the caller to notice the outage',
    });
  }

  function countOf(message: string): number {
    return callerLog.messages.filter((logged) => logged === message).length;
  }

  it(
    'holds a request made while the connection is lost, and sends it once it is back',
    async () => {
      const client = clientWith(new ConnectionWatch(callerNc, { outageWaitMs: 60_000 }));
      await cutAndWaitForTheCallerToNotice();
      const request = chatRequest({ model: 'echo' });
      const answer = client.collect(subjects.chat('echo'), request, { timeoutMs: 60_000 });
      // nats.js dials again meanwhile, and each dial drops whatever was published before it.
      await sleep(300);
      const reconnects = countOf('NATS reconnected');
      relay.restore();
      await waitFor(() => countOf('NATS reconnected') > reconnects, {
        description: 'the caller to reconnect',
      });
      const startedAt = performance.now();
      const result = await answer;
      console.log(`answered ${(performance.now() - startedAt).toFixed(0)} ms after reconnecting`);
      expect(result.text).toBe(`echo ${request.id}`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'holds at most maxHeldBytes of requests, and refuses the rest at once',
    async () => {
      const maxHeldBytes = 2_000;
      const client = clientWith(
        new ConnectionWatch(callerNc, { outageWaitMs: 60_000, maxHeldBytes }),
      );
      // Some 1,500 bytes each: the first fits, the second would pass the bound.
      const request = () =>
        chatRequest({ model: 'echo', messages: [{ role: 'user', content: 'x'.repeat(1_400) }] });
      await cutAndWaitForTheCallerToNotice();
      const first = request();
      const held = client.collect(subjects.chat('echo'), first, { timeoutMs: 60_000 });
      const error = (await thrownBy(() =>
        client.collect(subjects.chat('echo'), request(), { timeoutMs: 60_000 }),
      )) as SwitchyardError;
      expect(error.code).toBe('nats_unavailable');
      expect(error.message).toMatch(
        /is lost, and \d+ bytes of requests already wait for it: with this one \(\d+ bytes\) more than the 2000 held at most$/,
      );

      relay.restore();
      expect((await held).text).toBe(`echo ${first.id}`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fails a stream it cuts off with nats_unavailable once the outage outlasts outage_wait_ms, and requests at once while it lasts',
    async () => {
      const outageWaitMs = 3_000;
      const client = clientWith(new ConnectionWatch(callerNc, { outageWaitMs }));
      endlessAborted = false;
      const frames = client
        .stream(subjects.chat('endless'), chatRequest({ model: 'endless', timeout_ms: 120_000 }))
        [Symbol.asyncIterator]();
      while ((await frames.next()).value?.type !== 'delta');

      relay.cut();
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
        client.collect(subjects.chat('echo'), chatRequest({ model: 'echo' }), {
          timeoutMs: 60_000,
        }),
      )) as SwitchyardError;
      expect(error.code).toBe('nats_unavailable');
      // At once, not after another wait.
      expect(performance.now() - askedAt).toBeLessThan(outageWaitMs);

      // The cancel sent during the outage was lost; the generation's frames, once the caller is
      // back, have it sent again.
      relay.restore();
      await waitFor(() => endlessAborted, {
        timeoutMs: CANCEL_RESEND_INTERVAL_MS + SCHEDULING_SLACK_MS + 5_000,
        description: 'the endless handler to be cancelled',
      });
      const request = chatRequest({ model: 'echo' });
      const result = await client.collect(subjects.chat('echo'), request, { timeoutMs: 60_000 });
      expect(result.text).toBe(`echo ${request.id}`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'tells a server that hangs from a responder that went quiet, and dials again',
    async () => {
      const probeTimeoutMs = 500;
      const idleTimeoutMs = 1_000;
      const connection = new ConnectionWatch(callerNc, { outageWaitMs: 60_000, probeTimeoutMs });
      const client = clientWith(connection, idleTimeoutMs);
      const frames = client
        .stream(subjects.chat('endless'), chatRequest({ model: 'endless', timeout_ms: 120_000 }))
        [Symbol.asyncIterator]();
      while ((await frames.next()).value?.type !== 'delta');

      // The socket stays open and nothing comes back, as from a stopped server.
      relay.freeze();
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
      await waitFor(() => callerLog.messages.includes('NATS reconnect forced'), {
        description: 'the caller to dial again',
      });

      const reconnects = countOf('NATS reconnected');
      relay.thaw();
      await waitFor(() => countOf('NATS reconnected') > reconnects, {
        timeoutMs: 1_000 + SCHEDULING_SLACK_MS + 5_000,
        description: 'the caller to reconnect once the server answers',
      });
      const request = chatRequest({ model: 'echo' });
      const result = await client.collect(subjects.chat('echo'), request, { timeoutMs: 60_000 });
      expect(result.text).toBe(`echo ${request.id}`);
    },
    TEST_TIMEOUT_MS,
  );
});
