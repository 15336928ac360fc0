import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Msg } from '@nats-io/transport-node';
import { encodeMessage, SwitchyardError, type ReplyFrame } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import {
  chatRequest,
  rawResponder,
  rawStartFrame,
  startStreamFixture,
  thrownBy,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

const SUBJECT = 'raw.silent';
const IDLE_TIMEOUT_MS = 20_000;
const FIRST_FRAME_TIMEOUT_MS = 600;

// A worker that takes a request and hangs (stopped, deadlocked, its host frozen) still holds its
// queue-group subscription, so NATS keeps giving it requests. A healthy worker's first frame comes
// within a heartbeat interval; the caller gives up on a silent one after the first-frame timeout,
// long before the idle timeout, and tells it to stop.
describe('the first frame of a stream', () => {
  let fx: StreamFixture;
  let requests: Msg[];
  let cancels: string[];

  beforeAll(async () => {
    fx = await startStreamFixture({ idleTimeoutMs: IDLE_TIMEOUT_MS });
    ({ requests, cancels } = await rawResponder(fx, SUBJECT));
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('fails a stream whose worker sends nothing within the first-frame timeout, and cancels it', async () => {
    const request = chatRequest({ timeout_ms: 60_000 });
    const sentAt = performance.now();
    const error = await thrownBy(async () => {
      const stream = fx.client.stream(SUBJECT, request, {
        firstFrameTimeoutMs: FIRST_FRAME_TIMEOUT_MS,
      });
      for await (const frame of stream) void frame;
    });
    const failedAfterMs = performance.now() - sentAt;
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({
      code: 'stream_interrupted',
      message: `no frame within ${FIRST_FRAME_TIMEOUT_MS} ms of sending the request: the worker that took it did not answer (it may have hung or died)`,
    });
    expect(failedAfterMs).toBeGreaterThanOrEqual(FIRST_FRAME_TIMEOUT_MS - 50);
    expect(failedAfterMs).toBeLessThan(FIRST_FRAME_TIMEOUT_MS + SCHEDULING_SLACK_MS);
    await waitFor(() => cancels.includes(request.id), { description: 'the cancel' });
  });

  it('waits the idle timeout, not the first-frame timeout, once a frame has come', async () => {
    const request = chatRequest({ timeout_ms: 60_000 });
    const before = requests.length;
    const frames = fx.client
      .stream(SUBJECT, request, { firstFrameTimeoutMs: FIRST_FRAME_TIMEOUT_MS })
      [Symbol.asyncIterator]();
    await waitFor(() => requests.length > before, { description: 'the request' });
    const reply = requests[before]?.reply ?? '';
    const send = (frame: ReplyFrame) => fx.serverNc.publish(reply, encodeMessage(frame));
    send(rawStartFrame(fx, request.id));
    expect((await frames.next()).value?.type).toBe('start');
    // Three first-frame timeouts of quiet after the first frame: well within the idle timeout.
    await sleep(3 * FIRST_FRAME_TIMEOUT_MS);
    send({ type: 'end', seq: 1, finish_reason: 'stop', usage });
    expect((await frames.next()).value?.type).toBe('end');
    expect(cancels).not.toContain(request.id);
  });
});
