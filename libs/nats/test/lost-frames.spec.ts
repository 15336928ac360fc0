import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import {
  chatRequestSchema,
  decodeReplyFrame,
  encodeMessage,
  Subjects,
  SwitchyardError,
  type ReplyFrame,
} from '@switchyard/contracts';
import {
  SCHEDULING_SLACK_MS,
  sleep,
  startNatsServer,
  waitFor,
  type NatsServer,
} from '@switchyard/testing';
import {
  ConnectionWatch,
  connectNats,
  RequestStreamClient,
  type NatsConnection,
  type StreamFrame,
} from '../src/index.js';
import { RESEND_INTERVAL_MS } from '../src/client/frame-gaps.js';
import { MAX_RETAINED_BYTES } from '../src/server/reply-stream.js';
import { startCallerBehindRelay, type CallerBehindRelay } from './support/caller-behind-relay.js';
import { chatRequest, thrownBy, usage } from './support/stream-fixture.js';

/** Longer than any test here waits: a stream that ends does so for the reason under test. */
const IDLE_TIMEOUT_MS = 30_000;
const OUTAGE_WAIT_MS = 2_000;
const TOKENS = 40;
const TOKEN_INTERVAL_MS = 50;
const countTo = (tokens: number) => Array.from({ length: tokens }, (_, t) => `${t} `).join('');

// Core NATS keeps nothing for a subscription that is not there: what a worker sends while its
// caller's connection is down is lost, though the worker's own connection stayed up (the caller's
// node of a cluster died, or one server restarted and the worker was back first). The caller
// reaches the server through a relay the test cuts (see `startCallerBehindRelay`).
describe('frames lost on the way to the caller', () => {
  let fx: CallerBehindRelay;
  let client: RequestStreamClient;
  /** Lets the `wait` and `long` handlers finish. */
  let finishWaiting: () => void = () => undefined;
  /** The `long` handler has sent every delta. */
  let longSent = false;

  beforeAll(async () => {
    // No heartbeat comes between the frames a test counts.
    fx = await startCallerBehindRelay({ heartbeatIntervalMs: 60_000 });
    const { server, subjects } = fx;
    // Numbered tokens, so a lost or reordered one shows in the text.
    server.serve(subjects.chat('count'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      for (let token = 0; token < TOKENS; token++) {
        ctx.send({ type: 'delta', text: `${token} ` });
        await sleep(TOKEN_INTERVAL_MS);
      }
      return { finish_reason: 'stop', usage };
    });
    server.serve(subjects.chat('wait'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      ctx.send({ type: 'delta', text: 'first ' });
      await new Promise<void>((resolve) => (finishWaiting = resolve));
      ctx.send({ type: 'delta', text: 'last' });
      return { finish_reason: 'stop', usage };
    });
    // Frames of some 1 KB each, more of them than a stream keeps for resending.
    server.serve(subjects.chat('long'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      for (let frame = 0; frame < (2 * MAX_RETAINED_BYTES) / 1_000; frame++) {
        ctx.send({ type: 'delta', text: `${frame}`.padEnd(1_000, '.') });
        await sleep(0);
      }
      longSent = true;
      await new Promise<void>((resolve) => (finishWaiting = resolve));
      return { finish_reason: 'stop', usage };
    });
    await fx.workerNc.flush();
    client = new RequestStreamClient(fx.callerNc, {
      subjects,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      connection: new ConnectionWatch(fx.callerNc, { outageWaitMs: OUTAGE_WAIT_MS }),
    });
  });

  afterEach(async () => {
    finishWaiting();
    await fx.reconnected();
  });
  afterAll(() => fx?.close());

  /** Cuts the caller off for `forMs` (after it noticed), then lets it reconnect. */
  async function cutCaller(forMs: number, meanwhile: () => void = () => undefined): Promise<void> {
    await fx.cutCaller();
    meanwhile();
    await sleep(forMs);
    await fx.restoreCaller();
  }

  async function readUntilDelta(frames: AsyncIterator<StreamFrame>): Promise<string> {
    for (;;) {
      const { value } = await frames.next();
      if (value?.type === 'delta') return value.text ?? '';
    }
  }

  async function readToEnd(frames: AsyncIterator<StreamFrame>): Promise<string> {
    let text = '';
    for (;;) {
      const { value, done } = await frames.next();
      if (done === true) return text;
      if (value.type === 'delta') text += value.text ?? '';
    }
  }

  it('are asked for again once the caller is back, and the answer reads whole and in order', async () => {
    const frames = client
      .stream(fx.subjects.chat('count'), chatRequest({ model: 'count', timeout_ms: 60_000 }))
      [Symbol.asyncIterator]();
    let text = await readUntilDelta(frames);
    // Some ten tokens go out while the caller is cut off.
    await cutCaller(10 * TOKEN_INTERVAL_MS);
    text += await readToEnd(frames);
    expect(text).toBe(countTo(TOKENS));
  }, 60_000);

  it('fail the stream soon, not at the idle timeout, when the answer ended while the caller was cut off', async () => {
    const frames = client
      .stream(fx.subjects.chat('wait'), chatRequest({ model: 'wait', timeout_ms: 60_000 }))
      [Symbol.asyncIterator]();
    expect(await readUntilDelta(frames)).toBe('first ');
    // Its last delta and its end are lost, and the worker forgets a stream once it ends.
    await cutCaller(300, () => finishWaiting());
    const backAt = performance.now();
    const error = (await thrownBy(() => readToEnd(frames))) as SwitchyardError;
    const failedAfterMs = performance.now() - backAt;
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error.code).toBe('stream_interrupted');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(
      /^the connection to NATS dropped, and the worker has not answered since; asked for the frames again for \d+ ms and they did not come$/,
    );
    // Counted from the first ask, a moment before the test hears of the reconnect.
    expect(failedAfterMs).toBeGreaterThanOrEqual(OUTAGE_WAIT_MS - 100);
    expect(failedAfterMs).toBeLessThan(OUTAGE_WAIT_MS + RESEND_INTERVAL_MS + SCHEDULING_SLACK_MS);
  }, 60_000);

  it('are resent as they were sent, a heartbeat answers when none is missing, and old ones are gone', async () => {
    // A caller of its own over raw NATS, which reads every frame and asks as it likes.
    const inbox = `_INBOX.raw-${Date.now()}`;
    const received: ReplyFrame[] = [];
    const raw: Uint8Array[] = [];
    const subscription = fx.workerNc.subscribe(inbox, {
      callback: (_error, msg) => {
        raw.push(msg.data);
        received.push(decodeReplyFrame(msg.data));
      },
    });
    const request = chatRequest({ model: 'long', timeout_ms: 60_000 });
    longSent = false;
    fx.workerNc.publish(fx.subjects.chat('long'), encodeMessage(request), { reply: inbox });
    await waitFor(() => longSent, { description: 'every delta' });
    await sleep(200);
    // The start and the deltas (some joined, when two sends shared a turn).
    const frameCount = received.length;
    expect(frameCount).toBeGreaterThan(MAX_RETAINED_BYTES / 1_000);
    const resend = (from: number) =>
      fx.workerNc.publish(
        fx.subjects.resend(request.id),
        encodeMessage({ request_id: request.id, reply_to: inbox, from }),
      );

    // The newest frames are kept, byte for byte.
    const from = frameCount - 5;
    resend(from);
    await waitFor(() => received.length >= frameCount + 5, { description: 'the resent frames' });
    expect(raw.slice(frameCount)).toEqual(raw.slice(from, frameCount));

    // None missing: a heartbeat, numbered next.
    resend(frameCount);
    await waitFor(() => received.length >= frameCount + 6, { description: 'a heartbeat' });
    expect(received.at(-1)).toEqual({ type: 'heartbeat', seq: frameCount });

    // The oldest are no longer kept: nothing comes.
    resend(1);
    await sleep(300);
    expect(received).toHaveLength(frameCount + 6);

    finishWaiting();
    await waitFor(() => received.at(-1)?.type === 'end', { description: 'the end' });
    await subscription.drain();
  }, 60_000);
});

// The gap itself, without an outage: a responder that skips a frame and sends it when asked.
describe('a frame missing from a stream', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  const subjects = new Subjects();

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
    nc = await connectNats({ servers: [nats.url] }, { name: 'both' });
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  /** Answers each request with frames 0–4 but frame 2, and sends frame 2 on at most `resends`. */
  function gappyResponder(model: string, resends: number): void {
    const frames = (id: string): ReplyFrame[] => [
      {
        type: 'start',
        seq: 0,
        request_id: id,
        worker: 'raw',
        kind: 'vllm',
        backend: 'raw',
        cancel: subjects.cancel(id),
      },
      { type: 'delta', seq: 1, text: 'one ' },
      { type: 'delta', seq: 2, text: 'two ' },
      { type: 'delta', seq: 3, text: 'three' },
      { type: 'end', seq: 4, finish_reason: 'stop', usage },
    ];
    nc.subscribe(subjects.chat(model), {
      callback: (_error, msg) => {
        const { id } = JSON.parse(msg.string()) as { id: string };
        const reply = msg.reply ?? '';
        for (const frame of frames(id))
          if (frame.seq !== 2) nc.publish(reply, encodeMessage(frame));
        let left = resends;
        const resend = nc.subscribe(subjects.resend(id), {
          callback: (_e, ask) => {
            const { from } = JSON.parse(ask.string()) as { from: number };
            if (left-- <= 0) return;
            for (const frame of frames(id).slice(from)) nc.publish(reply, encodeMessage(frame));
            resend.unsubscribe();
          },
        });
      },
    });
  }

  it('is asked for, and the frames after it wait for it', async () => {
    gappyResponder('gap', 1);
    await nc.flush();
    const client = new RequestStreamClient(nc, { subjects, idleTimeoutMs: IDLE_TIMEOUT_MS });
    const result = await client.collect(subjects.chat('gap'), chatRequest({ model: 'gap' }), {
      timeoutMs: 10_000,
    });
    expect(result.text).toBe('one two three');
  });

  it('fails the stream, naming it, when the responder never sends it', async () => {
    gappyResponder('lost', 0);
    await nc.flush();
    const outageWaitMs = 1_500;
    const client = new RequestStreamClient(nc, {
      subjects,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      connection: new ConnectionWatch(nc, { outageWaitMs }),
    });
    const startedAt = performance.now();
    const error = (await thrownBy(() =>
      client.collect(subjects.chat('lost'), chatRequest({ model: 'lost' }), {
        timeoutMs: 20_000,
      }),
    )) as SwitchyardError;
    expect(error.code).toBe('stream_interrupted');
    expect(error.message).toMatch(
      /^frame 2 was lost; asked for the frames again for \d+ ms and they did not come$/,
    );
    const failedAfterMs = performance.now() - startedAt;
    expect(failedAfterMs).toBeGreaterThanOrEqual(outageWaitMs);
    expect(failedAfterMs).toBeLessThan(outageWaitMs + RESEND_INTERVAL_MS + SCHEDULING_SLACK_MS);
  });
});
