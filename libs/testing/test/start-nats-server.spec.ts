import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { existsSync } from 'node:fs';
import { getMonitoringJson, startNatsServer, type NatsServer } from '../src/index.js';

describe('startNatsServer', () => {
  let server: NatsServer;

  beforeAll(async () => {
    server = await startNatsServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('listens on a random loopback port with JetStream, never 4222', async () => {
    expect(server.port).not.toBe(4222);
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    const varz = await getMonitoringJson<{ port: number; jetstream?: { config?: unknown } }>(
      `${server.monitorUrl}/varz`,
    );
    expect(varz.port).toBe(server.port);
    expect(varz.jetstream?.config).toBeDefined();
  });

  it('accepts connections as soon as it resolves', async () => {
    const nc = await connect({ servers: server.url, reconnect: false });
    try {
      expect(nc.info?.jetstream).toBe(true);
      await nc.flush();
    } finally {
      await nc.close();
    }
  });

  it('removes its temp directory on stop and can be stopped twice', async () => {
    const other = await startNatsServer({ jetstream: false });
    expect(existsSync(other.dir)).toBe(true);
    await other.stop();
    expect(other.isRunning).toBe(false);
    expect(existsSync(other.dir)).toBe(false);
    await other.stop();
  });
});
