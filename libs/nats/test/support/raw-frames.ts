import { createInbox } from '@nats-io/transport-node';
import {
  decodeMessage,
  isTerminalFrame,
  replyFrameSchema,
  type ReplyFrame,
} from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import type { NatsConnection } from '../../src/index.js';

/**
 * Sends raw bytes as a request and returns every frame that reaches the inbox, bypassing the
 * client's checks, so a test sees exactly what the server sent, including anything after a
 * terminal frame. It waits for the terminal frame, then listens until no frame has come for
 * `quietMs` (waiting for the end first keeps a loaded machine's pause before the answer from
 * passing for the quiet after it).
 */
export async function rawFrames(
  nc: NatsConnection,
  subject: string,
  payload: Uint8Array,
  { quietMs }: { quietMs: number },
): Promise<ReplyFrame[]> {
  const frames: ReplyFrame[] = [];
  let lastAt = Date.now();
  const inbox = createInbox();
  const sub = nc.subscribe(inbox, {
    callback: (_error, msg) => {
      lastAt = Date.now();
      frames.push(decodeMessage(replyFrameSchema, msg.data, 'frame'));
    },
  });
  nc.publish(subject, payload, { reply: inbox });
  await waitFor(() => frames.some(isTerminalFrame), {
    timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
    intervalMs: 5,
    description: 'a terminal frame',
  });
  lastAt = Math.max(lastAt, Date.now());
  while (Date.now() - lastAt < quietMs) await sleep(quietMs / 4);
  sub.unsubscribe();
  return frames;
}
