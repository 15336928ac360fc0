import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys, type Authenticator } from '@nats-io/transport-node';
import { natsConfigSchema } from '@switchyard/contracts';
import { buildConnectionOptions } from './connection-options.js';
import { NatsConnectError } from './nats-connect.error.js';

const nonce = 'server-nonce-123';
const encoder = new TextEncoder();

function authenticate(authenticator: Authenticator | Authenticator[] | undefined) {
  if (!Array.isArray(authenticator)) throw new Error('expected a list of authenticators');
  return Object.assign({}, ...authenticator.map((auth) => auth(nonce))) as Record<string, string>;
}

describe('buildConnectionOptions', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nats-options-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reconnects forever with the configured wait, connect timeout and ping interval', async () => {
    const options = await buildConnectionOptions(
      natsConfigSchema.parse({ servers: 'nats://a:4222,nats://b:4222', reconnect_wait_ms: 250 }),
      'gateway',
    );
    expect(options).toMatchObject({
      servers: ['nats://a:4222', 'nats://b:4222'],
      name: 'gateway',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 5_000,
      pingInterval: 10_000,
      maxPingOut: 2,
      noRandomize: false,
    });
    expect(options.authenticator).toBeUndefined();
    expect(options.tls).toBeUndefined();
  });

  it('tries the servers in the listed order when randomize_servers is off', async () => {
    const ordered = await buildConnectionOptions(
      natsConfigSchema.parse({ servers: 'nats://a:4222,nats://b:4222', randomize_servers: false }),
    );
    expect(ordered.noRandomize).toBe(true);
  });

  it('signs the server nonce with the nkey seed', async () => {
    const user = nkeys.createUser();
    const options = await buildConnectionOptions(
      natsConfigSchema.parse({ nkey_seed: new TextDecoder().decode(user.getSeed()) }),
    );
    const auth = authenticate(options.authenticator);
    expect(auth['nkey']).toBe(user.getPublicKey());
    const signature = Buffer.from(auth['sig'] ?? '', 'base64url');
    expect(user.verify(encoder.encode(nonce), signature)).toBe(true);
  });

  it('reads the creds file: the JWT and a signature by its seed', async () => {
    const user = nkeys.createUser();
    const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.c2ln';
    const seed = new TextDecoder().decode(user.getSeed());
    const credsFile = join(dir, 'user.creds');
    await writeFile(
      credsFile,
      `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n` +
        `-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`,
    );
    const options = await buildConnectionOptions(natsConfigSchema.parse({ creds_file: credsFile }));
    const auth = authenticate(options.authenticator);
    expect(auth['jwt']).toBe(jwt);
    expect(auth['nkey']).toBe(user.getPublicKey());
    expect(user.verify(encoder.encode(nonce), Buffer.from(auth['sig'] ?? '', 'base64url'))).toBe(
      true,
    );
  });

  it('passes user/password and token as authenticators', async () => {
    const options = await buildConnectionOptions(
      natsConfigSchema.parse({ user: 'u', password: 'p' }),
    );
    expect(authenticate(options.authenticator)).toEqual({ user: 'u', pass: 'p' });
    const withToken = await buildConnectionOptions(natsConfigSchema.parse({ token: 't' }));
    expect(authenticate(withToken.authenticator)).toEqual({ auth_token: 't' });
  });

  it.each([
    [{ password: 'p' }, 'nats.password is'],
    [{ user: 'u', token: 't' }, 'use a token or nats.user and nats.password'],
    [{ tls: { cert_file: '/etc/client.pem' } }, 'must be set with nats.tls.cert_file'],
  ])('never gets %j: the schema refuses it', (config, message) => {
    expect(() => natsConfigSchema.parse(config)).toThrow(message);
  });

  it('requires TLS with the CA, certificate and key files', async () => {
    const options = await buildConnectionOptions(
      natsConfigSchema.parse({
        tls: { ca_file: '/etc/ca.pem', cert_file: '/etc/client.pem', key_file: '/etc/client.key' },
      }),
    );
    expect(options.tls).toEqual({
      caFile: '/etc/ca.pem',
      certFile: '/etc/client.pem',
      keyFile: '/etc/client.key',
    });
  });

  it.each([
    [{ nkey_seed: 'SUnot-a-seed' }, /nats\.nkey_seed is not a valid nkey seed/],
    [
      { creds_file: '/nonexistent/user.creds' },
      /nats\.creds_file \/nonexistent\/user\.creds cannot be read/,
    ],
  ])('rejects %j with a message naming the field', async (config, message) => {
    const attempt = buildConnectionOptions(natsConfigSchema.parse(config));
    await expect(attempt).rejects.toBeInstanceOf(NatsConnectError);
    await expect(attempt).rejects.toThrow(message);
  });
});
