import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kvm } from '@nats-io/kv';
import { closeConnection, startNatsServer, tearDown, type NatsServer } from '@switchyard/testing';
import { bucketValues, connectNats, liveValue, type NatsConnection } from '../src/index.js';

interface Port {
  port: number;
}

/** Accepts `{ "port": <number> }` only, as a reader's schema would. */
const parsePort = (json: unknown): Port | undefined =>
  typeof json === 'object' && json !== null && typeof (json as Port).port === 'number'
    ? { port: (json as Port).port }
    : undefined;

// The gateway and discovery read the fleet registry's entries this way: whatever one bad entry
// holds (a delete marker, a value another version wrote, bytes that are not JSON), the rest of
// the fleet is still read.
describe('bucketValues', () => {
  let nats: NatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats({ servers: [nats.url] }, { name: 'bucket-values-test' });
  });

  afterAll(async () => {
    await tearDown(
      () => closeConnection(nc),
      async () => nats?.stop(),
    );
  });

  it('reads the live values the parser accepts, in key order, and skips the rest', async () => {
    const kv = await new Kvm(nc).create('values', { history: 1 });
    await kv.put('c-vllm', JSON.stringify({ port: 8000 }));
    await kv.put('a-ollama', JSON.stringify({ port: 11434 }));
    await kv.put('b-deleted', JSON.stringify({ port: 1 }));
    await kv.delete('b-deleted');
    await kv.put('d-not-json', 'port=1234');
    await kv.put('e-other-shape', JSON.stringify({ url: 'http://x' }));
    await kv.put('f-lmstudio', JSON.stringify({ port: 1234 }));

    expect(await bucketValues(nc, kv, 'values', parsePort)).toEqual([
      { port: 11434 },
      { port: 8000 },
      { port: 1234 },
    ]);
  });

  it('reads no more than the first maxKeys keys', async () => {
    const kv = await new Kvm(nc).create('capped', { history: 1 });
    for (const key of ['k3', 'k1', 'k4', 'k2']) await kv.put(key, JSON.stringify({ port: 1 }));
    await kv.put('k1', JSON.stringify({ port: 10 }));
    await kv.put('k2', JSON.stringify({ port: 20 }));

    expect(await bucketValues(nc, kv, 'capped', parsePort, 2)).toEqual([
      { port: 10 },
      { port: 20 },
    ]);
  });

  it('reads one entry the same way', async () => {
    const kv = await new Kvm(nc).create('single', { history: 1 });
    await kv.put('good', JSON.stringify({ port: 80 }));
    await kv.put('bad', '{');
    await kv.put('gone', JSON.stringify({ port: 81 }));
    await kv.delete('gone');

    expect(liveValue(await kv.get('good'), parsePort)).toEqual({ port: 80 });
    expect(liveValue(await kv.get('bad'), parsePort)).toBeUndefined();
    expect(liveValue(await kv.get('gone'), parsePort)).toBeUndefined();
    expect(liveValue(await kv.get('never'), parsePort)).toBeUndefined();
  });
});
