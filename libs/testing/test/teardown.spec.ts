import { describe, expect, it, jest } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from '../src/nats-server.js';
import { pauseProcess, resumeProcess } from '../src/process-running.js';
import { closeConnection, tearDown } from '../src/teardown.js';

describe('tearDown', () => {
  it('runs every step even after one failed, then fails with that failure', async () => {
    const ran: string[] = [];
    const failure = new Error('the worker would not stop');
    const outcome = tearDown(
      async () => ran.push('gateway'),
      async () => {
        ran.push('worker');
        throw failure;
      },
      async () => ran.push('nats-server'),
    );
    await expect(outcome).rejects.toBe(failure);
    expect(ran).toEqual(['gateway', 'worker', 'nats-server']);
  });

  it('names every failure when several steps failed', async () => {
    const outcome = tearDown(
      () => Promise.reject(new Error('first')),
      () => Promise.reject(new Error('second')),
    );
    await expect(outcome).rejects.toMatchObject({
      errors: [expect.objectContaining({ message: 'first' }), { message: 'second' }],
    });
  });
});

describe('closeConnection', () => {
  it('drains a connection whose server answers', async () => {
    const nats = await startNatsServer();
    try {
      const nc = await connect({ servers: nats.url });
      const delivered: string[] = [];
      nc.subscribe('greetings', {
        callback: (_error, msg) => void delivered.push(msg.string()),
      });
      nc.publish('greetings', 'hello');
      await closeConnection(nc);
      expect(nc.isClosed()).toBe(true);
      expect(delivered).toEqual(['hello']);
    } finally {
      await nats.stop();
    }
  });

  it('leaves alone a connection that was never made or is already closed', async () => {
    await expect(closeConnection(undefined)).resolves.toBeUndefined();
    const nats = await startNatsServer();
    try {
      const nc = await connect({ servers: nats.url });
      await nc.close();
      await expect(closeConnection(nc)).resolves.toBeUndefined();
    } finally {
      await nats.stop();
    }
  });

  it('closes a connection whose server stopped answering, where a drain waits forever', async () => {
    const nats = await startNatsServer();
    const nc = await connect({ servers: nats.url });
    // Every PONG the server owes is in: one still on its way would answer the drain's PING.
    await nc.flush();
    await pauseProcess(nats.pid as number);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await closeConnection(nc);
      expect(nc.isClosed()).toBe(true);
      expect((stderr.mock.calls as unknown[][]).map(([text]) => String(text)).join('')).toMatch(
        /the drain of .* did not end in 5000 ms; closing/,
      );
    } finally {
      stderr.mockRestore();
      resumeProcess(nats.pid as number);
      await nats.stop();
    }
  });
});
