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

/**
 * The bytes a message counts against max_payload: its payload and, with headers, their block
 * (`NATS/1.0\r\n`, a `name: value\r\n` line each, a blank line), as nats.js counts them before it
 * refuses a message with a bare "max_payload size exceeded".
 */
export function messageBytes(
  payload: Uint8Array,
  headers?: Readonly<Record<string, string>> | undefined,
): number {
  if (headers === undefined) return payload.length;
  let block = 'NATS/1.0\r\n';
  for (const [name, value] of Object.entries(headers)) block += `${name}: ${value}\r\n`;
  return payload.length + Buffer.byteLength(`${block}\r\n`);
}
