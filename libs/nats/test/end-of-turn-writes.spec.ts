import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@switchyard/testing';
import { chatRequestSchema } from '@switchyard/contracts';
import type { StreamFrame } from '../src/index.js';
import {
  chatRequest,
  startStreamFixture,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

/**
 * Counts the writes this process makes to sockets connected to `port` (the NATS client writes
 * each flush with one `socket.write`). Only those: the process's other writes (jest's reporting,
 * log lines under a parallel test load) are not what is measured here.
 */
function countSocketWrites(port: number): { count(): number; restore(): void } {
  const write = Socket.prototype.write;
  let count = 0;
  Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (this.remotePort === port) count++;
    return write.apply(this, args);
  } as Socket['write'];
  return {
    count: () => count,
    restore: () => {
      Socket.prototype.write = write;
    },
  };
}

const STREAMS = 256;
/**
 * Writes to the NATS sockets for 256 streams: a few per run of 64 (5 and 8 here, the same on
 * every run), where runs of 16 would take over 16 and a write per stream 256.
 */
const FEW_WRITES = 10;

/** Runs `work` in a callback of its own, as after a socket read of its own. */
const inCallbackOfItsOwn = (): Promise<void> =>
  new Promise((resolve) => setImmediate(() => resolve()));

// A gateway takes many HTTP requests in one turn of the event loop, and a worker sees many
// backend answers in one, each in an I/O callback of its own; the NATS client writes to its
// socket after each callback. What these publish (requests; joined deltas and `end` frames)
// waits for the end of the turn and goes out in a socket write (and a read at the server and at
// the receiver) per run of streams, not per request.
describe('publishing at the end of the turn', () => {
  let fx: StreamFixture;
  let natsWrites: ReturnType<typeof countSocketWrites>;
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (holding = resolve));

  beforeAll(async () => {
    fx = await startStreamFixture({ heartbeatIntervalMs: 60_000 });
    natsWrites = countSocketWrites(fx.nats.port);
    fx.server.serve(fx.subjects.chat('quick'), { schema: chatRequestSchema }, async (r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      await released;
      await inCallbackOfItsOwn();
      ctx.send({ type: 'delta', text: `answer to ${r.id}` });
      return { finish_reason: 'stop', usage };
    });
    fx.server.serve(fx.subjects.chat('held'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      await held;
      return { finish_reason: 'stop', usage };
    });
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    natsWrites?.restore();
    holding();
    await fx?.close();
  });

  const collect = async (model: string, request = chatRequest()): Promise<StreamFrame[]> => {
    const frames: StreamFrame[] = [];
    for await (const frame of fx.client.stream(fx.subjects.chat(model), request, {
      timeoutMs: 10_000,
    })) {
      frames.push(frame);
    }
    return frames;
  };

  it('sends the requests made in one turn in a few socket writes', async () => {
    const before = natsWrites.count();
    const streams = Array.from({ length: STREAMS }, async () => {
      await inCallbackOfItsOwn();
      return collect('held');
    });
    await waitFor(() => fx.server.inFlight === STREAMS, { description: 'every request to arrive' });
    const writes = natsWrites.count() - before;
    holding();
    const frames = await Promise.all(streams);

    expect(frames.map((stream) => stream.map(({ type }) => type))).toEqual(
      frames.map(() => ['start', 'end']),
    );
    // A write per request would be 256.
    expect(writes).toBeLessThanOrEqual(FEW_WRITES);
  });

  it('sends the end frames of handlers that return in one turn in a few socket writes', async () => {
    const requests = Array.from({ length: STREAMS }, () => chatRequest());
    const answers = Promise.all(requests.map((request) => collect('quick', request)));
    await waitFor(() => fx.server.inFlight === STREAMS, { description: 'every request to arrive' });

    const before = natsWrites.count();
    release();
    const frames = await answers;
    const writes = natsWrites.count() - before;

    for (const [index, stream] of frames.entries()) {
      expect(stream.map(({ type, seq }) => [type, seq])).toEqual([
        ['start', 0],
        ['delta', 1],
        ['end', 2],
      ]);
      expect(stream[1]).toMatchObject({ text: `answer to ${requests[index]?.id}` });
    }
    // A write per stream would be 256.
    expect(writes).toBeLessThanOrEqual(FEW_WRITES);
  });
});
