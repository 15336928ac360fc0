import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Msg } from '@nats-io/transport-node';
import { chatRequestSchema, encodeMessage, SwitchyardError } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import { WORKER_ANSWER_WAIT_MS } from '../src/client/frame-stream.js';
import {
  chatRequest,
  rawResponder,
  rawStartFrame,
  startStreamFixture,
  thrownBy,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

const IDLE_TIMEOUT_MS = 30_000;
const FIRST_FRAME_TIMEOUT_MS = 500;
// The caller's outage wait: a worker holds its frames that long while its own connection is lost.
const OUTAGE_WAIT_MS = 700;
const ASK_AFTER_MS = Math.max(FIRST_FRAME_TIMEOUT_MS, OUTAGE_WAIT_MS);
const DEAD = 'raw.dead';
const QUIET = 'quiet';
// Longer than a silence and the wait for an answer: a stream given up after asking, answered or
// not, would fail within it.
const QUIET_FOR_MS = ASK_AFTER_MS + WORKER_ANSWER_WAIT_MS + 1_000;

// A worker that dies mid-answer (SIGKILL, OOM, its host gone) sends no error frame. A live one
// sends a frame at least every heartbeat interval, so the caller need not wait out the idle
// timeout: after a silence longer than the first-frame timeout and the outage wait, it asks the
// worker for the stream, which a live worker answers at once.
describe('a worker that goes silent mid-answer', () => {
  let fx: StreamFixture;
  let requests: Msg[];
  let cancels: string[];

  beforeAll(async () => {
    // No heartbeats of its own within the test: every heartbeat that comes answers an ask.
    fx = await startStreamFixture({
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      clientOutageWaitMs: OUTAGE_WAIT_MS,
      heartbeatIntervalMs: 60_000,
    });
    ({ requests, cancels } = await rawResponder(fx, DEAD));
    fx.server.serve(fx.subjects.chat(QUIET), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      ctx.send({ type: 'delta', text: 'thinking… ' });
      await sleep(QUIET_FOR_MS);
      ctx.send({ type: 'delta', text: 'done' });
      return { finish_reason: 'stop', usage };
    });
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('is asked for its stream, and given up when it does not answer, long before the idle timeout', async () => {
    const request = chatRequest({ timeout_ms: 60_000 });
    const frames = fx.client
      .stream(DEAD, request, { firstFrameTimeoutMs: FIRST_FRAME_TIMEOUT_MS })
      [Symbol.asyncIterator]();
    await waitFor(() => requests.length > 0, { description: 'the request' });
    const reply = requests[0]?.reply ?? '';
    fx.serverNc.publish(reply, encodeMessage(rawStartFrame(fx, request.id)));
    fx.serverNc.publish(reply, encodeMessage({ type: 'delta', seq: 1, text: 'Hel' }));
    expect((await frames.next()).value?.type).toBe('start');
    expect((await frames.next()).value?.type).toBe('delta');
    // The worker dies here: nothing more comes, and nobody answers the ask.
    const diedAt = performance.now();
    const error = await thrownBy(async () => {
      for (;;) if ((await frames.next()).done === true) return;
    });
    const failedAfterMs = performance.now() - diedAt;

    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({
      code: 'stream_interrupted',
      retryable: true,
      message: `no frame for ${ASK_AFTER_MS} ms, nor within ${WORKER_ANSWER_WAIT_MS} ms of asking the worker for them: the worker that took it did not answer (it may have hung or died)`,
    });
    expect(failedAfterMs).toBeGreaterThanOrEqual(ASK_AFTER_MS + WORKER_ANSWER_WAIT_MS - 50);
    expect(failedAfterMs).toBeLessThan(ASK_AFTER_MS + WORKER_ANSWER_WAIT_MS + SCHEDULING_SLACK_MS);
    await waitFor(() => cancels.includes(request.id), { description: 'the cancel' });
  });

  it('goes on when the worker answers the ask: a live worker that is quiet is not given up', async () => {
    const kinds: string[] = [];
    let text = '';
    for await (const frame of fx.client.stream(
      fx.subjects.chat(QUIET),
      chatRequest({ timeout_ms: 60_000 }),
      { firstFrameTimeoutMs: FIRST_FRAME_TIMEOUT_MS },
    )) {
      kinds.push(frame.type);
      if (frame.type === 'delta') text += frame.text ?? '';
    }

    expect(text).toBe('thinking… done');
    expect(kinds.at(-1)).toBe('end');
    // The worker's heartbeats are a minute apart: these answered the caller's asks.
    expect(kinds.filter((kind) => kind === 'heartbeat').length).toBeGreaterThanOrEqual(1);
  });
});
