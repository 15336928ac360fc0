import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePorts, startNatsServer, type NatsServer } from '@switchyard/testing';
import { UnavailableError } from '../src/cli/cli-errors.js';
import { planNats } from '../src/stack/nats-launcher.js';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

// What `switchyard up` decides about NATS before it starts anything.
describe('planNats', () => {
  let nats: NatsServer;
  const silent = createServer(() => undefined);
  const talker = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterAll(async () => {
    await nats?.stop();
    silent.close();
    talker.close();
  });

  it('uses the NATS server that answers at the address', async () => {
    expect(await planNats(nats.url)).toEqual({ kind: 'existing', url: nats.url });
  });

  it('plans to start nats-server on the address when nothing listens there', async () => {
    const [port] = await freePorts(1);
    const plan = await planNats(`nats://127.0.0.1:${port}`);
    expect(plan).toMatchObject({ kind: 'start', program: 'nats-server' });
    expect(plan.kind === 'start' && plan.args).toEqual(
      expect.arrayContaining(['-a', '127.0.0.1', '-p', String(port), '-js']),
    );
  });

  it.each([
    ['stays silent', silent],
    ['speaks another protocol', talker],
  ])('refuses a port whose listener %s, naming the address', async (_, server) => {
    const port = await listen(server);
    const plan = planNats(`nats://127.0.0.1:${port}`);
    await expect(plan).rejects.toBeInstanceOf(UnavailableError);
    await expect(plan).rejects.toThrow(
      `127.0.0.1:${port} accepts connections but is not a NATS server`,
    );
  });
});
