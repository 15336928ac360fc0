import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import type { StreamFrame } from '@switchyard/nats';
import { chatRequest, SCHEDULING_SLACK_MS, TEST_WORKER_SETTINGS } from '@switchyard/testing';
import { MODELS, startLmStudioTestbed, type LmStudioTestbed } from './support/lmstudio-testbed.js';

const HEARTBEAT_MS = TEST_WORKER_SETTINGS.heartbeatIntervalMs;
// A loaded machine may hold one heartbeat up by the slack, so the longest allowed gap carries it;
// the silent stretches (the load, the wait for a slot) are longer still, so a gap that long can
// only be bridged by heartbeats.
const MAX_GAP_MS = HEARTBEAT_MS * 3 + SCHEDULING_SLACK_MS;
const LOAD_MS = MAX_GAP_MS * 2;
const TOKENS_PER_SECOND = 25;
// The first request holds the only slot this long while the second waits for it.
const ANSWER_TOKENS = Math.ceil((MAX_GAP_MS / 1_000) * TOKENS_PER_SECOND);
const STREAM_TIMEOUT_MS = LOAD_MS + 2 * MAX_GAP_MS + SCHEDULING_SLACK_MS;

interface TimedFrame {
  frame: StreamFrame;
  at: number;
}

describe('heartbeats from the LM Studio worker while nothing else flows', () => {
  let bed: LmStudioTestbed;

  beforeAll(async () => {
    bed = await startLmStudioTestbed({
      backends: [
        { loadMs: LOAD_MS, tokensPerSecond: TOKENS_PER_SECOND, answerTokens: ANSWER_TOKENS },
      ],
      worker: { maxConcurrency: 1 },
      // Shorter than the load: without heartbeats the caller would give the request up.
      idleTimeoutMs: MAX_GAP_MS + HEARTBEAT_MS,
    });
  });

  afterAll(async () => {
    await bed?.close();
  });

  async function timedStream(
    content: string,
    onFrame: (frame: StreamFrame) => void = () => undefined,
  ): Promise<TimedFrame[]> {
    const frames: TimedFrame[] = [];
    for await (const frame of bed.client.stream(
      bed.subjects.chat(MODELS.chat),
      chatRequest(MODELS.chat, content),
      { timeoutMs: STREAM_TIMEOUT_MS },
    )) {
      frames.push({ frame, at: performance.now() });
      onFrame(frame);
    }
    return frames;
  }

  function before(frames: TimedFrame[], type: StreamFrame['type']): StreamFrame[] {
    const index = frames.findIndex(({ frame }) => frame.type === type);
    return frames.slice(0, index).map(({ frame }) => frame);
  }

  function longestGap(frames: TimedFrame[]): number {
    return Math.max(...frames.slice(1).map(({ at }, i) => at - (frames[i] as TimedFrame).at));
  }

  it('flow while the backend loads the model', async () => {
    const frames = await timedStream('Wake up.');

    const heartbeats = before(frames, 'delta').filter((frame) => frame.type === 'heartbeat');
    // Dozens at 100 ms over the load; a handful however loaded the machine.
    expect(heartbeats.length).toBeGreaterThanOrEqual(5);
    // The model was not loaded when the worker listed it: the wait is the load.
    expect(new Set(heartbeats.map((frame) => frame.phase))).toEqual(new Set(['loading']));
    expect(longestGap(frames)).toBeLessThan(MAX_GAP_MS);
    expect(frames.at(-1)?.frame.type).toBe('end');
  });

  it('flow with phase queued while the request waits for a slot', async () => {
    // The second request is sent once the first holds the slot (it is generating).
    let generating: () => void = () => undefined;
    const firstGenerates = new Promise<void>((resolve) => (generating = resolve));
    const [first, second] = await Promise.all([
      timedStream('First in line.', (frame) => frame.type === 'delta' && generating()),
      firstGenerates.then(() => timedStream('Second in line.')),
    ]);

    const waiting = before(second, 'delta').filter((frame) => frame.type === 'heartbeat');
    expect(waiting.filter((frame) => frame.phase === 'queued').length).toBeGreaterThanOrEqual(3);
    // Out of the queue, to a model the first request loaded.
    expect(waiting.at(-1)).toMatchObject({ phase: 'running' });
    expect(longestGap(second)).toBeLessThan(MAX_GAP_MS);
    const text = second
      .map(({ frame }) => (frame.type === 'delta' ? (frame.text ?? '') : ''))
      .join('');
    expect(text).toBe(
      expectedCompletion({
        model: MODELS.chat,
        messages: [{ role: 'user', content: 'Second in line.' }],
        answerTokens: ANSWER_TOKENS,
      }).text,
    );
    expect(first.at(-1)?.frame.type).toBe('end');
  });
});

// The caller hears at once that its request waits for a model to load, however long the
// heartbeat interval: a quick answer's start rides with its first output, a load's must not wait.
describe('the start of a request that waits for a model to load', () => {
  let bed: LmStudioTestbed;

  beforeAll(async () => {
    bed = await startLmStudioTestbed({
      backends: [{ loadMs: 1_500 }],
      // No heartbeat falls within the load: only the start and its phase can precede the answer.
      worker: { heartbeatIntervalMs: 60_000 },
      idleTimeoutMs: 60_000,
    });
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('goes out at once, with a heartbeat saying loading, before the answer', async () => {
    const frames: StreamFrame[] = [];
    for await (const frame of bed.client.stream(
      bed.subjects.chat(MODELS.chat),
      chatRequest(MODELS.chat, 'Wake up.'),
      { timeoutMs: 20_000 },
    )) {
      frames.push(frame);
    }
    expect(
      frames.slice(0, 3).map((frame) => [frame.type, 'phase' in frame && frame.phase]),
    ).toEqual([
      ['start', false],
      ['heartbeat', 'loading'],
      ['delta', false],
    ]);
  });
});
