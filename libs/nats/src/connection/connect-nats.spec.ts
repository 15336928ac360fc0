import { describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { freePorts, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { connectNats } from './connect-nats.js';
import { NatsConnectError } from './nats-connect.error.js';

describe('connectNats', () => {
  it('names the invalid field of the configuration', async () => {
    const attempt = connectNats({ servers: ['127.0.0.1:4222'], subject_prefix: 'not valid!' });
    await expect(attempt).rejects.toBeInstanceOf(NatsConnectError);
    await expect(attempt).rejects.toThrow(/^the nats configuration is invalid: subject_prefix: /);
  });

  it('refuses an empty server list, and a server it could not dial', async () => {
    await expect(connectNats({ servers: [] })).rejects.toThrow(
      'the nats configuration is invalid: servers must list at least one',
    );
    await expect(connectNats({ servers: ['http://127.0.0.1:4222'] })).rejects.toThrow(
      'servers.0: use nats://host:port, tls://host:port or host:port',
    );
  });

  it('fails at once, naming the server, when nothing listens there', async () => {
    const [port] = await freePorts(1);
    const started = performance.now();
    // A connect timeout far beyond the bound: failing at once is not waiting it out.
    const attempt = connectNats({
      servers: [`nats://someone:secret@127.0.0.1:${port}`],
      connect_timeout_ms: 10_000 + 2 * SCHEDULING_SLACK_MS,
    });
    await expect(attempt).rejects.toBeInstanceOf(NatsConnectError);
    // The URL's credentials stay out of the message.
    await expect(attempt).rejects.toThrow(`cannot connect to NATS at nats://***@127.0.0.1:${port}`);
    expect(performance.now() - started).toBeLessThan(2_000 + SCHEDULING_SLACK_MS);
  });
});
