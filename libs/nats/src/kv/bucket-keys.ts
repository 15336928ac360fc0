import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * The keys a KV bucket holds now, from its stream's subject list: one request, no consumer.
 * Deleted keys are listed until their delete marker expires, and any key may be gone by the time
 * it is read, so callers `get` each and skip what is not a live value.
 *
 * `kv.keys()` instead lists through an ordered consumer that stops when a message says nothing
 * more is pending. When entries expire (the bucket's `max_age`) while it lists, that message may
 * never come, and the listing waits forever: 3 of 844 listings of a bucket whose entries were
 * expiring hung so. The registry's entries expire by design (discovery rewrites the live ones
 * every heartbeat), so readers of the registry use this instead.
 */
export async function bucketKeys(nc: NatsConnection, bucket: string): Promise<string[]> {
  const prefix = `$KV.${bucket}.`;
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const info = await jsm.streams.info(`KV_${bucket}`, { subjects_filter: `${prefix}>` });
  return Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
}
