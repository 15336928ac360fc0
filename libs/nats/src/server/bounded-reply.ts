import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { encodeMessage, SwitchyardError } from '@switchyard/contracts';
import { maxPayloadOf } from '../connection/max-payload.js';
import type { NatsLogger } from '../logger.js';

export interface BoundedReplyOptions {
  /** Names the request in the log line of a reply that could not be sent. */
  what: string;
  /** The `payload_too_large` error for an answer of `bytes` over the server's limit. */
  tooLarge: (bytes: number, maxPayload: number) => SwitchyardError;
  logger: NatsLogger;
  /** Told when the answer became an error (it threw, or was too large), before it is sent. */
  onError?: (error: SwitchyardError) => void;
}

/**
 * Answers a plain request with one JSON message that fits the server's max_payload: the value
 * `answer` returns (it is given the limit, so it can cut itself to fit), or `{"error"}` with a
 * catalogued error when it throws or is still too large. Never throws: it runs in a subscription
 * callback, where a throw (nats.js throws for a message over max_payload) would stop the
 * connection's reader and cut the process off from NATS; a reply that cannot be sent is logged.
 */
export function respondWithin(
  nc: NatsConnection,
  msg: Msg,
  answer: (maxPayload: number) => unknown,
  options: BoundedReplyOptions,
): void {
  // Read for every reply: a reconnect may land on a server with another limit.
  const maxPayload = maxPayloadOf(nc);
  let data: Uint8Array;
  try {
    data = encodeMessage(answer(maxPayload));
    if (data.length > maxPayload) throw options.tooLarge(data.length, maxPayload);
  } catch (failure) {
    const error = SwitchyardError.from(failure);
    options.onError?.(error);
    data = encodeMessage({ error: error.toWire() });
  }
  try {
    msg.respond(data);
  } catch (failure) {
    options.logger.warn(
      { err: failure, bytes: data.length, max_payload: maxPayload },
      `could not answer a ${options.what} request`,
    );
  }
}
