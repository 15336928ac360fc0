import { createInbox, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  decodeMessage,
  isTerminalFrame,
  replyFrameSchema,
  type ReplyFrame,
  type TerminalFrame,
} from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS } from './scheduling-slack.js';
import { sleep, waitFor } from './wait-for.js';

const ANSWER_TIMEOUT_MS = 10_000 + SCHEDULING_SLACK_MS;

/**
 * A request sent with plain nats.js (a publish with a reply inbox) and everything that comes
 * back, frame by frame, with none of the client's checks in between: a test sees exactly what
 * the responder sent, including anything after a terminal frame. A status message from the
 * NATS server (503 when nobody serves the subject) is kept in `statuses`.
 */
export class RawReplies {
  readonly frames: ReplyFrame[] = [];
  readonly statuses: number[] = [];
  private readonly subscription: Subscription;
  private lastAt = Date.now();

  private constructor(
    private readonly nc: NatsConnection,
    subject: string,
    payload: Uint8Array | string,
  ) {
    const inbox = createInbox();
    this.subscription = nc.subscribe(inbox, {
      callback: (_error, msg) => {
        this.lastAt = Date.now();
        if (msg.data.length === 0 && msg.headers?.hasError) {
          this.statuses.push(msg.headers.code);
          return;
        }
        this.frames.push(decodeMessage(replyFrameSchema, msg.data, 'reply frame'));
      },
    });
    nc.publish(subject, payload, { reply: inbox });
  }

  static send(nc: NatsConnection, subject: string, payload: Uint8Array | string): RawReplies {
    return new RawReplies(nc, subject, payload);
  }

  /** Resolves once `count` frames of `type` have arrived. */
  async waitForFrames(
    type: ReplyFrame['type'],
    count = 1,
    timeoutMs = ANSWER_TIMEOUT_MS,
  ): Promise<void> {
    await waitFor(() => this.frames.filter((frame) => frame.type === type).length >= count, {
      timeoutMs,
      intervalMs: 5,
      description: `${count} ${type} frame(s)`,
    });
  }

  /** The terminal frame, once it has arrived. */
  async terminal(timeoutMs = ANSWER_TIMEOUT_MS): Promise<TerminalFrame> {
    await waitFor(() => this.frames.some(isTerminalFrame), {
      timeoutMs,
      intervalMs: 5,
      description: 'a terminal frame',
    });
    return this.frames.find(isTerminalFrame) as TerminalFrame;
  }

  /** Publishes a cancel for the request, as a caller that gives up does. */
  cancel(subject: string, requestId: string): void {
    this.nc.publish(subject, JSON.stringify({ request_id: requestId, reason: 'test' }));
  }

  /**
   * Waits for the answer to end (a terminal frame, or a status from the server), then listens
   * until nothing has arrived for `quietMs`, to catch anything sent after the end, and stops
   * listening. Waiting for the end first keeps a loaded machine's pause before the answer from
   * passing for the quiet after it.
   */
  async settle(quietMs: number, timeoutMs = ANSWER_TIMEOUT_MS): Promise<ReplyFrame[]> {
    await waitFor(() => this.frames.some(isTerminalFrame) || this.statuses.length > 0, {
      timeoutMs,
      intervalMs: 5,
      description: 'a terminal frame or a server status',
    });
    this.lastAt = Math.max(this.lastAt, Date.now());
    while (Date.now() - this.lastAt < quietMs) await sleep(quietMs / 4);
    this.subscription.unsubscribe();
    return this.frames;
  }
}
