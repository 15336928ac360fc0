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
import { chatRequest, recordingLogger, serveEndless, usage } from './support/stream-fixture.js';

const OUTAGE_WAIT_MS = 3_000;
const TOKENS = 40;
const TOKEN_INTERVAL_MS = 50;

// The worker reaches the server through a relay the test cuts; the caller has a link of its own,
// which stays up, as when the worker's node of a cluster dies and it moves to another.
describe("an outage of a worker's NATS connection", () => {
  let nats: NatsServer;
  let relay: TcpRelay;
  let workerNc: NatsConnection;
  let callerNc: NatsConnection;
  let server: StreamServer;
  let client: RequestStreamClient;
  const workerLog = recordingLogger();
  const subjects = new Subjects();
  let abortReason: unknown;

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
    relay = await TcpRelay.start(nats.port);
    workerNc = await connectNats(
      { servers: [relay.natsUrl], reconnect_wait_ms: 50 },
      { name: 'worker', logger: workerLog },
    );
    callerNc = await connectNats({ servers: [nats.url] }, { name: 'caller' });
    server = new StreamServer(workerNc, {
      subjects,
      workerId: 'worker-1',
      heartbeatIntervalMs: 1_000,
      defaultTimeoutMs: 120_000,
      connection: new ConnectionWatch(workerNc, { outageWaitMs: OUTAGE_WAIT_MS }),
      logger: workerLog,
    });
    // Numbered tokens, so a lost or reordered one shows in the text.
    server.serve(subjects.chat('count'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      for (let token = 0; token < TOKENS; token++) {
        ctx.send({ type: 'delta', text: `${token} ` });
        await sleep(TOKEN_INTERVAL_MS);
      }
      return { finish_reason: 'stop', usage };
    });
    serveEndless(server, subjects.chat('endless'), (reason) => (abortReason = reason));
    await workerNc.flush();
    client = new RequestStreamClient(callerNc, { subjects, idleTimeoutMs: 30_000 });
  });

  afterEach(async () => {
    relay.restore();
    await waitFor(() => workerNc.flush().then(() => true), {
      description: 'the worker to be connected again',
    });
  });

  afterAll(async () => {
    await server?.stop({ graceMs: 0 });
    await Promise.all([workerNc?.close(), callerNc?.close()]);
    await relay?.close();
    await nats?.stop();
  });

  it('holds the frames it makes while its connection is lost, and sends them in order once it is back', async () => {
    const frames = client
      .stream(subjects.chat('count'), chatRequest({ model: 'count', timeout_ms: 60_000 }))
      [Symbol.asyncIterator]();
    let text = '';
    for (;;) {
      const { value } = await frames.next();
      if (value?.type === 'delta') {
        text += value.text ?? '';
        break;
      }
    }
    relay.cut();
    await waitFor(() => workerLog.messages.includes('NATS disconnected; reconnecting'), {
      description: 'the worker to notice the outage',
    });
    // Some tokens are made while it is cut off.
    await sleep(10 * TOKEN_INTERVAL_MS);
    relay.restore();
    for (;;) {
      const { value, done } = await frames.next();
      if (done === true) break;
      if (value.type === 'delta') text += value.text ?? '';
      if (value.type === 'end') expect(value.finish_reason).toBe('stop');
    }
    expect(text).toBe(Array.from({ length: TOKENS }, (_, token) => `${token} `).join(''));
  }, 60_000);

  it('stops its requests once the outage outlasts outage_wait_ms', async () => {
    abortReason = undefined;
    const frames = client
      .stream(subjects.chat('endless'), chatRequest({ model: 'endless', timeout_ms: 120_000 }))
      [Symbol.asyncIterator]();
    while ((await frames.next()).value?.type !== 'delta');

    relay.cut();
    const cutAt = performance.now();
    await waitFor(() => abortReason !== undefined, {
      timeoutMs: OUTAGE_WAIT_MS + SCHEDULING_SLACK_MS,
      description: 'the handler to be stopped',
    });
    expect(performance.now() - cutAt).toBeGreaterThanOrEqual(OUTAGE_WAIT_MS - 50);
    expect(abortReason).toBeInstanceOf(SwitchyardError);
    expect((abortReason as SwitchyardError).code).toBe('nats_unavailable');
    expect(workerLog.messages).toContain(
      'NATS is gone for too long: stopping the requests in flight',
    );
    await waitFor(() => server.inFlight === 0, { description: 'the handler to finish' });
    await frames.return?.();
  }, 60_000);
});
