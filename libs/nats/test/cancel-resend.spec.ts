import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Msg } from '@nats-io/transport-node';
import { encodeMessage, SwitchyardError, type ReplyFrame } from '@switchyard/contracts';
import { sleep, waitFor } from '@switchyard/testing';
import { CANCEL_RESEND_INTERVAL_MS } from '../src/client/abandoned-routes.js';
import {
  chatRequest,
  rawResponder,
  rawStartFrame,
  startStreamFixture,
  thrownBy,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

const SUBJECT = 'raw.endless';

// A worker that missed a cancel (see lost-cancel.spec.ts) keeps sending frames to the caller's
// inbox; the caller answers them with the cancel again. Here the worker is a raw responder, so
// the test decides which frames come and sees every cancel.
describe('after a stream sent its cancel', () => {
  let fx: StreamFixture;
  let requests: Msg[];
  let cancels: string[];

  beforeAll(async () => {
    fx = await startStreamFixture();
    ({ requests, cancels } = await rawResponder(fx, SUBJECT));
  });

  afterAll(async () => {
    await fx?.close();
  });

  /** Sends a request and returns its reader and the reply subject the responder got. */
  async function open(signal?: AbortSignal) {
    const request = chatRequest({ timeout_ms: 60_000 });
    const stream = fx.client.stream(SUBJECT, request, signal === undefined ? {} : { signal });
    const before = requests.length;
    await waitFor(() => requests.length > before, { description: 'the request' });
    const reply = requests[before]?.reply ?? '';
    const send = (...frames: ReplyFrame[]) => {
      for (const frame of frames) fx.serverNc.publish(reply, encodeMessage(frame));
    };
    send(rawStartFrame(fx, request.id));
    send({ type: 'delta', seq: 1, text: 'first' });
    return { id: request.id, frames: stream[Symbol.asyncIterator](), send };
  }

  const cancelsOf = (id: string) => cancels.filter((c) => c === id).length;

  /**
   * Returns once whatever the responder sent has reached the caller and any cancel the caller
   * sent for it has reached the responder: the server answers a flush only after delivering what
   * the connection published before it, and nats.js runs subscription callbacks as it reads.
   */
  async function settle(): Promise<void> {
    await fx.serverNc.flush();
    await fx.clientNc.flush();
    await fx.serverNc.flush();
  }

  it('frames that keep coming send it again, once per interval, until a terminal frame', async () => {
    const controller = new AbortController();
    const { id, frames, send } = await open(controller.signal);
    expect((await frames.next()).value?.type).toBe('start');
    expect((await frames.next()).value?.type).toBe('delta');
    controller.abort();
    expect(((await thrownBy(() => frames.next())) as SwitchyardError).code).toBe('cancelled');
    await waitFor(() => cancelsOf(id) === 1, { description: 'the cancel' });

    await sleep(CANCEL_RESEND_INTERVAL_MS);
    send(...Array.from({ length: 10 }, (_, i) => ({ type: 'delta', seq: 2 + i }) as const));
    await waitFor(() => cancelsOf(id) === 2, { description: 'the cancel sent again' });
    await settle();
    expect(cancelsOf(id)).toBe(2);

    await sleep(CANCEL_RESEND_INTERVAL_MS);
    send({ type: 'heartbeat', seq: 12 });
    await waitFor(() => cancelsOf(id) === 3, { description: 'the cancel sent a third time' });

    send({
      type: 'error',
      seq: 13,
      error: { code: 'cancelled', message: 'the caller cancelled the request', retryable: false },
    });
    await sleep(CANCEL_RESEND_INTERVAL_MS);
    send({ type: 'delta', seq: 14, text: 'a stray after the end' });
    await settle();
    expect(cancelsOf(id)).toBe(3);
  });

  it('a stream that ended normally sends nothing for frames after its end', async () => {
    const { id, frames, send } = await open();
    send({ type: 'end', seq: 2, finish_reason: 'stop', usage });
    const types: string[] = [];
    for (let r = await frames.next(); r.done !== true; r = await frames.next()) {
      types.push(r.value.type);
    }
    expect(types).toEqual(['start', 'delta', 'end']);

    await sleep(CANCEL_RESEND_INTERVAL_MS);
    send({ type: 'delta', seq: 3, text: 'a stray after the end' });
    await settle();
    expect(cancelsOf(id)).toBe(0);
  });
});
