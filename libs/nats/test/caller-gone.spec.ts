import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createInbox } from '@nats-io/transport-node';
import { chatRequestSchema, encodeMessage, SwitchyardError, Subjects } from '@switchyard/contracts';
import {
  SCHEDULING_SLACK_MS,
  sleep,
  startNatsServer,
  TcpRelay,
  waitFor,
  type NatsServer,
} from '@switchyard/testing';
import { ConnectionWatch, connectNats, StreamServer, type NatsConnection } from '../src/index.js';
import { chatRequest } from './support/stream-fixture.js';

const HEARTBEAT_INTERVAL_MS = 200;
const OUTAGE_WAIT_MS = 1_500;
const SUBJECT = 'test.endless';

// A caller that dies (killed, crashed) sends no cancel: without a way to notice, the worker's
// backend would generate for nobody until the request's timeout_ms. Frames carry a reply subject
// now and then, which the NATS server answers "no responders" once nobody listens.
describe('a caller that is gone', () => {
  let nats: NatsServer;
  let workerNc: NatsConnection;
  let server: StreamServer;
  const ended = new Map<string, { reason: unknown; at: number }>();

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
    workerNc = await connectNats({ servers: [nats.url] }, { name: 'test-worker' });
    server = new StreamServer(workerNc, {
      subjects: new Subjects(),
      workerId: 'worker-1',
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      defaultTimeoutMs: 60_000,
      connection: new ConnectionWatch(workerNc, { outageWaitMs: OUTAGE_WAIT_MS }),
    });
    // Streams a delta every 50 ms until its signal says stop.
    server.serve(SUBJECT, { schema: chatRequestSchema }, async (request, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      while (!ctx.signal.aborted) {
        ctx.send({ type: 'delta', text: 'x' });
        await sleep(50);
      }
      ended.set(request.id, { reason: ctx.signal.reason, at: performance.now() });
      throw ctx.signal.reason;
    });
    await workerNc.flush();
  });

  afterAll(async () => {
    await server?.stop({ graceMs: 0 });
    await workerNc?.close();
    await nats?.stop();
  });

  /** Sends a request from `nc` and resolves once its first frames have come back. */
  async function open(nc: NatsConnection, id: string): Promise<string[]> {
    const inbox = createInbox();
    const replies: string[] = [];
    nc.subscribe(inbox, { callback: (_error, msg) => void replies.push(msg.reply ?? '') });
    nc.publish(SUBJECT, encodeMessage(chatRequest({ id, timeout_ms: 60_000 })), { reply: inbox });
    await waitFor(() => replies.length >= 3, { description: 'the first frames' });
    return replies;
  }

  it('stops the request once nobody has listened for the outage wait', async () => {
    const callerNc = await connectNats({ servers: [nats.url] }, { name: 'doomed-caller' });
    await open(callerNc, 'gone-1');
    // Closing sends no cancel: to the worker it is a caller that died.
    await callerNc.close();
    const goneAt = performance.now();
    await waitFor(() => ended.has('gone-1'), {
      timeoutMs: OUTAGE_WAIT_MS + 2 * HEARTBEAT_INTERVAL_MS + SCHEDULING_SLACK_MS,
      description: 'the handler to be stopped',
    });
    const { reason, at } = ended.get('gone-1') as { reason: unknown; at: number };
    expect(reason).toBeInstanceOf(SwitchyardError);
    expect(reason).toMatchObject({
      code: 'cancelled',
      message: expect.stringMatching(
        /^nobody has listened on the reply subject for \d+ ms: the caller is gone$/,
      ),
    });
    expect(at - goneAt).toBeGreaterThanOrEqual(OUTAGE_WAIT_MS - HEARTBEAT_INTERVAL_MS);
  });

  it('lets a caller whose connection comes back within the outage wait read on', async () => {
    const relay = await TcpRelay.start(nats.port);
    const callerNc = await connectNats(
      { servers: [relay.natsUrl], reconnect_wait_ms: 50 },
      { name: 'returning-caller' },
    );
    try {
      const replies = await open(callerNc, 'back-1');
      // Some frames carry the probe's reply subject; the caller need not answer it.
      expect(replies.some((reply) => reply !== '')).toBe(true);
      // Two outages each shorter than the wait, longer together: each is judged on its own.
      for (const outageMs of [OUTAGE_WAIT_MS / 2, (OUTAGE_WAIT_MS * 2) / 3]) {
        relay.cut();
        await sleep(outageMs);
        relay.restore();
        await sleep(OUTAGE_WAIT_MS);
      }
      expect(ended.has('back-1')).toBe(false);
    } finally {
      await callerNc.close();
      await relay.close();
    }
  }, 20_000);
});
