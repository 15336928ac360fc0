import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { chatRequestSchema, Subjects, SwitchyardError } from '@switchyard/contracts';
import {
  type NatsServer,
  SCHEDULING_SLACK_MS,
  sleep,
  startNatsServer,
  waitFor,
} from '@switchyard/testing';
import {
  ConnectionWatch,
  connectNats,
  RequestStreamClient,
  StreamServer,
  type NatsConnection,
} from '../src/index.js';
import { CANCEL_RESEND_INTERVAL_MS } from '../src/client/abandoned-routes.js';
import { RECONNECT_JITTER_MS } from '../src/connection/connection-options.js';
import { chatRequest, recordingLogger, thrownBy } from './support/stream-fixture.js';

/** Far beyond anything the test waits for: only the lost cancel would let the handler run on. */
const REQUEST_TIMEOUT_MS = 120_000;
/** The caller comes back from an outage at once, the worker only after this: it misses the cancel. */
const CALLER_RECONNECT_WAIT_MS = 50;
const WORKER_RECONNECT_WAIT_MS = 2_000 + SCHEDULING_SLACK_MS;

// A cancel is a plain publish: sent while the caller is disconnected, nats.js flushes it when the
// caller reconnects, and if the worker has not subscribed again by then, nobody receives it.
describe('a cancel sent during a NATS outage', () => {
  let nats: NatsServer;
  let workerNc: NatsConnection;
  let callerNc: NatsConnection;
  let server: StreamServer;
  let client: RequestStreamClient;
  const workerLog = recordingLogger();
  const callerLog = recordingLogger();
  const subjects = new Subjects();
  let abortedAt: number | undefined;
  let abortReason: unknown;

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
    callerNc = await connectNats(
      { servers: [nats.url], reconnect_wait_ms: CALLER_RECONNECT_WAIT_MS },
      { name: 'caller', logger: callerLog },
    );
    workerNc = await connectNats(
      { servers: [nats.url], reconnect_wait_ms: WORKER_RECONNECT_WAIT_MS },
      { name: 'worker', logger: workerLog },
    );
    server = new StreamServer(workerNc, {
      subjects,
      workerId: 'worker-1',
      heartbeatIntervalMs: 1_000,
      defaultTimeoutMs: REQUEST_TIMEOUT_MS,
      // Cut off for its whole reconnect wait, the worker would stop its requests itself after
      // outage_wait_ms (worker-outage.spec); here only the cancel may stop them.
      connection: new ConnectionWatch(workerNc, { outageWaitMs: REQUEST_TIMEOUT_MS }),
    });
    // A backend that generates until it is told to stop.
    server.serve(subjects.chat('endless'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.signal.addEventListener('abort', () => {
        abortedAt = performance.now();
        abortReason = ctx.signal.reason;
      });
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      while (!ctx.signal.aborted) {
        ctx.send({ type: 'delta', text: 'token ' });
        await sleep(50);
      }
      throw ctx.signal.reason;
    });
    await workerNc.flush();
    client = new RequestStreamClient(callerNc, { subjects, idleTimeoutMs: REQUEST_TIMEOUT_MS });
  });

  afterAll(async () => {
    await server?.stop({ graceMs: 0 });
    await Promise.all([workerNc?.close(), callerNc?.close()]);
    await nats?.stop();
  });

  it('is sent again when frames keep coming, and stops the handler long before its deadline', async () => {
    const controller = new AbortController();
    const stream = client.stream(
      subjects.chat('endless'),
      chatRequest({ timeout_ms: REQUEST_TIMEOUT_MS }),
      { signal: controller.signal },
    );
    const frames = stream[Symbol.asyncIterator]();
    // The worker is generating.
    while ((await frames.next()).value?.type !== 'delta');

    await nats.kill();
    await waitFor(() => callerLog.messages.includes('NATS disconnected; reconnecting'), {
      description: 'the caller to notice the outage',
    });
    // The cancel goes into the disconnected caller's buffer.
    controller.abort();
    const error = await thrownBy(() => frames.next());
    expect((error as SwitchyardError).code).toBe('cancelled');

    await nats.restart();
    const restartedAt = performance.now();
    await waitFor(() => callerLog.messages.includes('NATS reconnected'), {
      description: 'the caller to reconnect',
    });
    // The race this test is about: the caller's cancel reached a server the worker was not on.
    expect(workerLog.messages).not.toContain('NATS reconnected');
    expect(abortedAt).toBeUndefined();

    // Once back, the worker's frames reach the abandoned route, which sends the cancel again.
    const boundMs =
      WORKER_RECONNECT_WAIT_MS +
      RECONNECT_JITTER_MS +
      CANCEL_RESEND_INTERVAL_MS +
      SCHEDULING_SLACK_MS;
    await waitFor(() => abortedAt !== undefined, {
      timeoutMs: boundMs,
      description: "the worker's handler to be cancelled",
    });
    expect(workerLog.messages).toContain('NATS reconnected');
    console.log(
      `the handler stopped ${((abortedAt ?? Number.NaN) - restartedAt).toFixed(0)} ms after the server came back`,
    );
    expect(abortReason).toBeInstanceOf(SwitchyardError);
    expect((abortReason as SwitchyardError).code).toBe('cancelled');
    expect((abortReason as SwitchyardError).message).toMatch(/the caller cancelled/);
    await waitFor(() => server.inFlight === 0, { description: 'the handler to finish' });
  });
});
