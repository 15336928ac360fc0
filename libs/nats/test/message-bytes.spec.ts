import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { closeConnection, startNatsServer, type NatsServer } from '@switchyard/testing';
import { maxPayloadOf, messageBytes } from '../src/connection/max-payload.js';

// Requests are checked against max_payload before they are published, so a request that cannot
// go is refused as too large rather than as whatever nats.js throws: the count must be its own.
describe('the bytes a message counts against max_payload', () => {
  let nats: NatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false, config: 'max_payload: 4096' });
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await closeConnection(nc);
    await nats?.stop();
  });

  const publish = (payload: Uint8Array, headers?: Record<string, string>) => () =>
    nc.publish('test.size', payload, headers === undefined ? {} : { headers: toHeaders(headers) });

  it.each([
    ['without headers', undefined],
    ['with headers', { 'x-request-id': 'req-1f2e', 'x-note': 'crème brûlée' }],
  ])(
    'are what nats.js counts, %s: the largest message goes, one byte more does not',
    (_, headers) => {
      const max = maxPayloadOf(nc);
      expect(max).toBe(4096);
      const room = max - messageBytes(new Uint8Array(0), headers);
      expect(messageBytes(new Uint8Array(room), headers)).toBe(max);
      expect(publish(new Uint8Array(room), headers)).not.toThrow();
      expect(publish(new Uint8Array(room + 1), headers)).toThrow(/max_payload/);
    },
  );
});

function toHeaders(values: Record<string, string>) {
  const result = natsHeaders();
  for (const [name, value] of Object.entries(values)) result.set(name, value);
  return result;
}
