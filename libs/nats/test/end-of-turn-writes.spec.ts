import { readFileSync } from 'node:fs';
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

/** Write system calls this process has made so far (Linux). */
function writeSyscalls(): number {
  const match = /^syscw: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  if (match === null) throw new Error('no syscw line in /proc/self/io');
  return Number(match[1]);
}

const STREAMS = 256;
/**
 * One write per run of 64 streams (4), and six to spare for anything else the process writes
 * (under load, its own log lines); runs of 16 would take 16.
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
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (holding = resolve));

  beforeAll(async () => {
    fx = await startStreamFixture({ heartbeatIntervalMs: 60_000 });
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
    const before = writeSyscalls();
    const streams = Array.from({ length: STREAMS }, async () => {
      await inCallbackOfItsOwn();
      return collect('held');
    });
    await waitFor(() => fx.server.inFlight === STREAMS, { description: 'every request to arrive' });
    const writes = writeSyscalls() - before;
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

    const before = writeSyscalls();
    release();
    const frames = await answers;
    const writes = writeSyscalls() - before;

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
