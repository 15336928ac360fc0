import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema, Subjects } from '@switchyard/contracts';
import {
  type NatsServer,
  SCHEDULING_SLACK_MS,
  startNatsServer,
  waitFor,
} from '@switchyard/testing';
import {
  connectNats,
  RequestStreamClient,
  StreamServer,
  type NatsConnection,
} from '../src/index.js';
import { chatRequest, recordingLogger, usage } from './support/stream-fixture.js';

describe('after the NATS server restarts on the same port', () => {
  let nats: NatsServer;
  let serverNc: NatsConnection;
  let clientNc: NatsConnection;
  let server: StreamServer;
  const serverLog = recordingLogger();
  const clientLog = recordingLogger();
  const subjects = new Subjects();

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
    const config = { servers: [nats.url], reconnect_wait_ms: 50 };
    serverNc = await connectNats(config, { logger: serverLog });
    clientNc = await connectNats(config, { logger: clientLog });
    server = new StreamServer(serverNc, {
      subjects,
      workerId: 'w',
      heartbeatIntervalMs: 1_000,
      defaultTimeoutMs: 5_000,
    });
    server.serve(subjects.chat('m'), { schema: chatRequestSchema }, (request, ctx) => {
      ctx.start({ kind: 'lmstudio', backend: 'lmstudio-1' });
      ctx.send({ type: 'delta', text: `echo ${request.id}` });
      return { finish_reason: 'stop', usage };
    });
    await serverNc.flush();
  });

  afterAll(async () => {
    await server?.stop({ graceMs: 0 });
    await Promise.all([serverNc?.close(), clientNc?.close()]);
    await nats?.stop();
  });

  it('clients reconnect: requests succeed and subscriptions still receive', async () => {
    const client = new RequestStreamClient(clientNc, {
      subjects,
      idleTimeoutMs: 2_000 + SCHEDULING_SLACK_MS,
    });
    const before = chatRequest();
    expect(
      (await client.collect(subjects.chat('m'), before, { timeoutMs: 5_000 + SCHEDULING_SLACK_MS }))
        .text,
    ).toBe(`echo ${before.id}`);
    const received: string[] = [];
    serverNc.subscribe('events.after-restart', {
      callback: (_e, msg) => void received.push(msg.string()),
    });
    await serverNc.flush();

    await nats.restart();
    await waitFor(
      () =>
        serverLog.messages.includes('NATS reconnected') &&
        clientLog.messages.includes('NATS reconnected'),
      { timeoutMs: 10_000 + SCHEDULING_SLACK_MS, description: 'both connections to reconnect' },
    );
    expect(clientLog.messages).toContain('NATS disconnected; reconnecting');
    // Reconnected is not yet resubscribed at the server: a round trip on the serving connection
    // proves its subscriptions are in place, as a service does before it says it has started.
    await serverNc.flush();

    const after = chatRequest();
    const result = await client.collect(subjects.chat('m'), after, {
      timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
    });
    expect(result.text).toBe(`echo ${after.id}`);
    expect(result.end.finish_reason).toBe('stop');

    clientNc.publish('events.after-restart', 'still here');
    await waitFor(() => received.length === 1, { description: 'the subscription to receive' });
    expect(received).toEqual(['still here']);
  });
});
