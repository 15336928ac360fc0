import { describe, expect, it } from '@jest/globals';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type ConnectionOptions } from '@nats-io/transport-node';
import {
  pauseProcess,
  resumeProcess,
  startNatsServer,
  type NatsServerOptions,
} from '@switchyard/testing';
import { kvFailureKind, type KvFailureKind } from '../src/registry/open-bucket.js';

interface Case {
  server: NatsServerOptions;
  connection?: Partial<ConnectionOptions>;
  replicas?: number;
  /** Buckets created first, so the next one meets the account's limit. */
  before?: string[];
  /** Stops the server while the request is out, so it times out. */
  pause?: boolean;
}

const USER = { user: 'u', pass: 'p' };
const account = (jetstream: string) => `accounts: {
  A: { jetstream: ${jetstream}, users: [{ user: u, password: p }] }
}`;
const user = (permissions: string) => `authorization: { users: [
  { user: u, password: p, permissions: ${permissions} }
] }`;

/** The error nats.js really throws for `Kvm.create` in this setting, from a real nats-server. */
async function createError({ server, connection, replicas = 1, before = [], pause }: Case) {
  const nats = await startNatsServer(server);
  const nc = await connect({ ...connection, servers: nats.url });
  try {
    for (const bucket of before) await new Kvm(nc).create(bucket);
    if (pause) await pauseProcess(nats.pid as number);
    try {
      await new Kvm(jetstream(nc, { timeout: 300 })).create('registry', { replicas });
    } finally {
      if (pause) resumeProcess(nats.pid as number);
    }
  } catch (error) {
    return error;
  } finally {
    await nc.close();
    await nats.stop();
  }
  throw new Error('the bucket was created');
}

// The classifier is the one place that tells "JetStream is not there" (run alone) from "not
// now" (retry) and "no" (fail start). Its input is whatever nats.js throws, so it is checked
// against errors a real server provokes, not hand-made ones.
describe('kvFailureKind, on the errors nats.js throws', () => {
  it.each<[string, KvFailureKind, Case]>([
    [
      'a server without JetStream (no responders)',
      'jetstream-off',
      { server: { jetstream: false } },
    ],
    [
      'an account without JetStream (10039)',
      'jetstream-off',
      { server: { config: account('disabled') }, connection: USER },
    ],
    ['a server that does not answer in time', 'transient', { server: {}, pause: true }],
    [
      'a user denied the JetStream API',
      'refused',
      { server: { config: user('{ publish: { deny: ["$JS.API.>"] } }') }, connection: USER },
    ],
    [
      'a user denied creating streams',
      'refused',
      {
        server: { config: user('{ publish: { deny: ["$JS.API.STREAM.CREATE.>"] } }') },
        connection: USER,
      },
    ],
    [
      'an account at its stream limit (10027)',
      'refused',
      { server: { config: account('{ max_streams: 1 }') }, connection: USER, before: ['other'] },
    ],
    ['replicas on a server that is not clustered (10074)', 'refused', { server: {}, replicas: 3 }],
  ])('%s is %s', async (_, kind, setting) => {
    expect(kvFailureKind(await createError(setting))).toBe(kind);
  });
});
