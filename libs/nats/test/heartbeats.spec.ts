import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS, sleep } from '@switchyard/testing';
import type { StreamFrame } from '../src/index.js';
import {
  chatRequest,
  startStreamFixture,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

const HEARTBEAT_MS = 50;
// The caller gives up after this much silence; a loaded machine may hold a heartbeat up by the
// slack, so the idle timeout carries it. The handler stays quiet for longer still, so only the
// heartbeats can keep the request alive.
const IDLE_TIMEOUT_MS = 300 + SCHEDULING_SLACK_MS;
const SILENCE_MS = IDLE_TIMEOUT_MS + 300;

describe('a quiet handler', () => {
  let fx: StreamFixture;

  beforeAll(async () => {
    fx = await startStreamFixture({
      heartbeatIntervalMs: HEARTBEAT_MS,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
    });
    fx.server.serve(
      fx.subjects.chat('loading'),
      { schema: chatRequestSchema },
      async (_request, ctx) => {
        ctx.start({ kind: 'ollama', backend: 'ollama-1' });
        ctx.setPhase('loading');
        await sleep(SILENCE_MS);
        ctx.setPhase('running');
        ctx.send({ type: 'delta', text: 'ready' });
        await sleep(150);
        return { finish_reason: 'stop', usage };
      },
    );
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('gets heartbeats carrying its phase while it sends nothing', async () => {
    const frames: StreamFrame[] = [];
    for await (const frame of fx.client.stream(fx.subjects.chat('loading'), chatRequest(), {
      timeoutMs: SILENCE_MS + 150 + SCHEDULING_SLACK_MS,
    })) {
      frames.push(frame);
    }
    const delta = frames.findIndex((frame) => frame.type === 'delta');
    const phases = (from: number, to?: number) =>
      frames
        .slice(from, to)
        .map((frame) => (frame.type === 'heartbeat' ? frame.phase : frame.type));
    const loading = phases(1, delta - 1);
    // Seconds of silence at 50 ms intervals: a handful at least, however loaded the machine.
    expect(loading.length).toBeGreaterThanOrEqual(4);
    expect(new Set(loading)).toEqual(new Set(['loading']));
    // A phase change is announced at once, then repeated while the handler is quiet again.
    expect(phases(delta - 1, delta)).toEqual(['running']);
    const running = phases(delta + 1, -1);
    expect(running.length).toBeGreaterThanOrEqual(1);
    expect(new Set(running)).toEqual(new Set(['running']));
    expect(frames.at(-1)?.type).toBe('end');
  });
});

describe('a phase noted, not announced', () => {
  let fx: StreamFixture;

  beforeAll(async () => {
    fx = await startStreamFixture({ heartbeatIntervalMs: HEARTBEAT_MS });
    fx.server.serve(
      fx.subjects.chat('noted'),
      { schema: chatRequestSchema },
      async (request, ctx) => {
        ctx.start({ kind: 'ollama', backend: 'ollama-1' });
        ctx.notePhase('loading');
        if (request.messages[0]?.content === 'quiet') await sleep(HEARTBEAT_MS * 4);
        ctx.send({ type: 'delta', text: 'ready' });
        return { finish_reason: 'stop', usage };
      },
    );
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  async function typesOf(question: string): Promise<(string | undefined)[]> {
    const request = chatRequest({ messages: [{ role: 'user', content: question }] });
    const types: (string | undefined)[] = [];
    for await (const frame of fx.client.stream(fx.subjects.chat('noted'), request, {
      timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
    })) {
      types.push(frame.type === 'heartbeat' ? `heartbeat ${frame.phase}` : frame.type);
    }
    return types;
  }

  it('costs a quick answer no frame', async () => {
    expect(await typesOf('quick')).toEqual(['start', 'delta', 'end']);
  });

  it('is carried by the heartbeats of a quiet spell', async () => {
    const types = await typesOf('quiet');
    expect(types.slice(0, 2)).toEqual(['start', 'heartbeat loading']);
    expect(types.slice(-2)).toEqual(['delta', 'end']);
  });
});
