import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema, encodeMessage } from '@switchyard/contracts';
import { RawReplies, sleep } from '@switchyard/testing';
import {
  chatRequest,
  startStreamFixture,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

/** A promise a test resolves to let a handler go on. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const gates = new Map<string, ReturnType<typeof gate>>();
const gateFor = (id: string) => gates.get(id)?.opened ?? Promise.resolve();

// The start frame travels with the frame after it, so a quick answer is one socket write and one
// wake-up of the caller, not two; a request that must wait, or stays quiet, still starts at once
// or within one heartbeat interval.
describe('the start frame', () => {
  let fx: StreamFixture;
  let beating: StreamFixture;

  beforeAll(async () => {
    // No heartbeat during a test: only the handler's next frame can carry the start out.
    fx = await startStreamFixture({ heartbeatIntervalMs: 60_000 });
    fx.server.serve(fx.subjects.chat('quick'), { schema: chatRequestSchema }, async (r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      await gateFor(r.id);
      ctx.send({ type: 'delta', text: 'Hi' });
      return { finish_reason: 'stop', usage };
    });
    fx.server.serve(fx.subjects.chat('queued'), { schema: chatRequestSchema }, async (r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      ctx.setPhase('queued');
      await gateFor(r.id);
      return { finish_reason: 'stop', usage };
    });
    await fx.serverNc.flush();

    beating = await startStreamFixture({ heartbeatIntervalMs: 50 });
    beating.server.serve(
      beating.subjects.chat('quiet'),
      { schema: chatRequestSchema },
      async (r, ctx) => {
        ctx.start({ kind: 'vllm', backend: 'vllm-1' });
        await gateFor(r.id);
        return { finish_reason: 'stop', usage };
      },
    );
    await beating.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
    await beating?.close();
  });

  function send(on: StreamFixture, model: string): { replies: RawReplies; open(): void } {
    const request = chatRequest({ model });
    const held = gate();
    gates.set(request.id, held);
    const replies = RawReplies.send(on.clientNc, on.subjects.chat(model), encodeMessage(request));
    return { replies, open: held.open };
  }

  it('goes out with the first frame after it, numbered 0 before it', async () => {
    const { replies, open } = send(fx, 'quick');
    // The handler has started and holds: nothing may have been sent yet.
    await sleep(200);
    expect(replies.frames).toEqual([]);

    open();
    await replies.waitForFrames('end');
    expect(replies.frames.map(({ type, seq }) => [type, seq])).toEqual([
      ['start', 0],
      ['delta', 1],
      ['end', 2],
    ]);
    expect(replies.frames[0]).toMatchObject({ worker: 'worker-1', backend: 'vllm-1' });
  });

  it('goes out at once when the request must wait in a queue', async () => {
    const { replies, open } = send(fx, 'queued');
    try {
      await replies.waitForFrames('heartbeat');
      expect(replies.frames.map(({ type }) => type)).toEqual(['start', 'heartbeat']);
      expect(replies.frames[1]).toMatchObject({ seq: 1, phase: 'queued' });
    } finally {
      open();
    }
    await replies.waitForFrames('end');
  });

  it('goes out with the first heartbeat when the handler stays quiet', async () => {
    const { replies, open } = send(beating, 'quiet');
    try {
      await replies.waitForFrames('heartbeat');
      expect(replies.frames.slice(0, 2).map(({ type, seq }) => [type, seq])).toEqual([
        ['start', 0],
        ['heartbeat', 1],
      ]);
    } finally {
      open();
    }
    await replies.waitForFrames('end');
  });
});
