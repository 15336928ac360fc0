import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startNatsServer, type NatsServer } from '../src/index.js';

describe('a test server restarts', () => {
  let server: NatsServer;

  beforeAll(async () => {
    server = await startNatsServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('on the same port with the same store, after a stop or a kill', async () => {
    const { url, port, dir } = server;
    const firstPid = server.pid;
    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    expect(server.url).toBe(url);
    expect(existsSync(join(dir, 'store', 'jetstream'))).toBe(true);

    await server.kill();
    expect(server.isRunning).toBe(false);
    await expect(connect({ servers: url, reconnect: false })).rejects.toThrow();

    await server.restart();
    expect(server.port).toBe(port);
    const nc = await connect({ servers: url, reconnect: false });
    await nc.close();
  });
});
