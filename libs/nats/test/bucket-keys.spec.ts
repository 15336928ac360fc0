import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kvm } from '@nats-io/kv';
import { closeConnection, startNatsServer, tearDown, type NatsServer } from '@switchyard/testing';
import { bucketKeys, connectNats, type NatsConnection } from '../src/index.js';

/** Entries live this long in the expiring bucket. */
const TTL_MS = 1_000;
/** A listing that takes longer than this is stuck: a listing of a few thousand keys takes ms. */
const STUCK_MS = 3_000;

/** Resolves with the keys, or with 'stuck' if the listing takes longer than {@link STUCK_MS}. */
async function listWithin(nc: NatsConnection, bucket: string): Promise<string[] | 'stuck'> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<'stuck'>((resolve) => (timer = setTimeout(resolve, STUCK_MS, 'stuck')));
  try {
    return await Promise.race([bucketKeys(nc, bucket), stuck]);
  } finally {
    clearTimeout(timer);
  }
}

// The fleet registry is a KV bucket whose entries expire unless discovery rewrites them, and the
// gateway and discovery list its keys. nats.js's `kv.keys()` can wait forever when entries expire
// while it lists; `bucketKeys` reads the stream's subject list instead.
describe('bucketKeys', () => {
  let nats: NatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats({ servers: [nats.url] }, { name: 'bucket-keys-test' });
  });

  afterAll(async () => {
    await tearDown(
      () => closeConnection(nc),
      async () => nats?.stop(),
    );
  });

  it('lists every key, dots included, deleted ones until their marker goes', async () => {
    const kv = await new Kvm(nc).create('listed', { history: 1 });
    await kv.put('ollama-local', '1');
    await kv.put('vllm.gpu-1', '2');
    await kv.put('gone', '3');
    await kv.delete('gone');
    expect((await bucketKeys(nc, 'listed')).sort()).toEqual(['gone', 'ollama-local', 'vllm.gpu-1']);
    expect((await kv.get('gone'))?.operation).toBe('DEL');
  });

  it('is one stream-info request: no consumer that could wait for a message that never comes', async () => {
    await new Kvm(nc).create('watched', { history: 1 });
    const api: string[] = [];
    const spy = await connectNats({ servers: [nats.url] }, { name: 'api-spy' });
    spy.subscribe('$JS.API.>', { callback: (_error, msg) => void api.push(msg.subject) });
    await spy.flush();
    await bucketKeys(nc, 'watched');
    await nc.flush();
    await spy.flush();
    await spy.close();
    expect(api).toEqual(['$JS.API.STREAM.INFO.KV_watched']);
  });

  it('returns at once, every time, from a bucket whose entries expire while it lists', async () => {
    const kv = await new Kvm(nc).create('expiring', { history: 1, ttl: TTL_MS });
    const outcomes: (number | 'stuck')[] = [];
    for (let round = 0; round < 6; round++) {
      const keys = Array.from({ length: 2_000 }, (_, i) => `r${round}-${i}`);
      await Promise.all(keys.map((key) => kv.put(key, 'x')));
      // List over and over, from while this round's entries live until they have all expired.
      const deadline = Date.now() + TTL_MS + 5_000;
      let listed: string[] | 'stuck' = keys;
      while (listed !== 'stuck' && listed.length > 0 && Date.now() < deadline) {
        listed = await listWithin(nc, 'expiring');
        outcomes.push(listed === 'stuck' ? 'stuck' : listed.length);
      }
      expect(listed).toEqual([]);
    }
    // Listings of a bucket that still held entries, not only of an empty one.
    expect(
      outcomes.filter((count) => typeof count === 'number' && count > 0).length,
    ).toBeGreaterThan(6);
  }, 60_000);

  it('rejects for a bucket that does not exist', async () => {
    await expect(bucketKeys(nc, 'missing')).rejects.toThrow(/stream not found/);
  });
});
