import { afterAll, describe, expect, it } from '@jest/globals';
import { nkeys } from '@nats-io/transport-node';
import { startNatsServer, type NatsServer } from '@switchyard/testing';
import { connectNats, NatsConnectError, type NatsConfigInput } from '../src/index.js';
import { thrownBy } from './support/stream-fixture.js';

describe('NATS authentication from configuration', () => {
  const servers: NatsServer[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  async function server(options: Parameters<typeof startNatsServer>[0]): Promise<string> {
    const started = await startNatsServer({ jetstream: false, ...options });
    servers.push(started);
    return started.url;
  }

  async function connects(config: NatsConfigInput): Promise<void> {
    const nc = await connectNats(config);
    await nc.flush();
    await nc.close();
  }

  it('user and password connect; a wrong password is refused clearly', async () => {
    const url = await server({ user: 'switchyard', password: 's3cret' });
    await connects({ servers: [url], user: 'switchyard', password: 's3cret' });
    const error = await thrownBy(() =>
      connects({ servers: [url], user: 'switchyard', password: 'wrong' }),
    );
    expect(error).toBeInstanceOf(NatsConnectError);
    expect((error as Error).message).toMatch(
      /^cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+: .*authorization/i,
    );
    expect((error as Error).message).not.toContain('wrong');
  });

  it('a token connects; a missing token is refused', async () => {
    const url = await server({ token: 'tok-123' });
    await connects({ servers: [url], token: 'tok-123' });
    await expect(connects({ servers: [url] })).rejects.toThrow(/authorization/i);
  });

  it('an nkey seed connects to a server that knows its public key', async () => {
    const user = nkeys.createUser();
    const url = await server({
      config: `authorization { users = [ { nkey: "${user.getPublicKey()}" } ] }`,
    });
    await connects({ servers: [url], nkey_seed: new TextDecoder().decode(user.getSeed()) });
    const stranger = nkeys.createUser();
    await expect(
      connects({ servers: [url], nkey_seed: new TextDecoder().decode(stranger.getSeed()) }),
    ).rejects.toThrow(/authorization/i);
  });
});
