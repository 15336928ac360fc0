import type { NatsConnection } from '@nats-io/transport-node';

/** nats-server's default max_payload, assumed only while the connection has no server INFO. */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/**
 * The most bytes one message may carry: the max_payload of the server this connection is on. It
 * can change with a reconnect to another server, so read it for every message that may be large;
 * nats.js throws rather than publish anything bigger.
 */
export function maxPayloadOf(nc: NatsConnection): number {
  return nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
}
