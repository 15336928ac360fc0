import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import {
  SCHEDULING_SLACK_MS,
  startNatsServer,
  TcpRelay,
  waitFor,
  type NatsServer,
} from '@switchyard/testing';
import { connectNats, type NatsConnection } from '../src/index.js';
import { MAX_PINGS_OUT } from '../src/connection/connection-options.js';
import { recordingLogger } from './support/stream-fixture.js';

const PING_INTERVAL_MS = 300;

// A server that hangs, or whose host leaves the network, keeps the socket open: only unanswered
// pings tell. A worker on it serves nobody until its client gives up on the server.
describe('a connection to a server that stops answering', () => {
  let nats: NatsServer;
  let relay: TcpRelay;
  let nc: NatsConnection;
  const log = recordingLogger();

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
    relay = await TcpRelay.start(nats.port);
    nc = await connectNats(
      { servers: [relay.natsUrl], reconnect_wait_ms: 50, ping_interval_ms: PING_INTERVAL_MS },
      { logger: log },
    );
  });

  afterAll(async () => {
    await nc?.close();
    await relay?.close();
    await nats?.stop();
  });

  it('is taken for dead after ping_interval_ms times the pings allowed out, and made again', async () => {
    relay.freeze();
    const frozenAt = performance.now();
    await waitFor(
      () => log.messages.includes('NATS connection stale (pings unanswered); reconnecting'),
      {
        timeoutMs: (MAX_PINGS_OUT + 1) * PING_INTERVAL_MS + SCHEDULING_SLACK_MS,
        description: 'the client to give up on the server',
      },
    );
    expect(performance.now() - frozenAt).toBeGreaterThanOrEqual(
      MAX_PINGS_OUT * PING_INTERVAL_MS - 50,
    );

    relay.thaw();
    await waitFor(() => log.messages.includes('NATS reconnected'), {
      description: 'the client to connect again once the server answers',
    });
    await nc.flush();
  });
});
