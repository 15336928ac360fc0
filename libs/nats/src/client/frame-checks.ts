import type { Msg } from '@nats-io/transport-node';
import { SwitchyardError, type ReplyFrame } from '@switchyard/contracts';

/**
 * A status message from the NATS server itself (no body, a status header) in place of a frame:
 * 503 means nobody subscribes to the request subject; anything else means the path broke.
 */
export function statusError(msg: Msg, subject: string): SwitchyardError | undefined {
  if (msg.data.length > 0 || !msg.headers?.hasError) return undefined;
  if (msg.headers.code === 503) {
    return new SwitchyardError('no_responders', `nobody serves ${subject}`);
  }
  const status = `${msg.headers.code} ${msg.headers.description}`;
  return new SwitchyardError('stream_interrupted', `NATS answered ${status}`);
}

/**
 * Why `frame` cannot come next, if it cannot: a misplaced or foreign `start` frame is a bug in the
 * responder. A stream opens with `start`, or with a lone `error` when the request was refused
 * before any work. (A frame out of order is the stream's to repair: it asks for the lost ones.)
 */
export function orderViolation(
  frame: ReplyFrame,
  expectedSeq: number,
  requestId: string,
): SwitchyardError | undefined {
  if (frame.seq !== expectedSeq) {
    return new SwitchyardError(
      'stream_interrupted',
      `frame ${expectedSeq} was lost (frame ${frame.seq} arrived instead)`,
    );
  }
  const first = expectedSeq === 0;
  if (first ? frame.type !== 'start' && frame.type !== 'error' : frame.type === 'start') {
    return new SwitchyardError(
      'internal',
      `protocol violation: a ${frame.type} frame arrived as frame ${frame.seq}`,
    );
  }
  if (frame.type === 'start' && frame.request_id !== requestId) {
    return new SwitchyardError(
      'internal',
      `protocol violation: the start frame names request ${frame.request_id}`,
    );
  }
  return undefined;
}
