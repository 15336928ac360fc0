import { describe, expect, it } from '@jest/globals';
import { SwitchyardError, type EndFrame } from '@switchyard/contracts';
import type { StreamFrame } from '@switchyard/nats';
import { deltaFrame, endFrame } from '../../test/support/reply-frames.js';
import { OpenedFrames } from './opened-stream.js';

/** An upstream reply stream over `frames` (then `failure`, if given) that logs being returned. */
function upstream(frames: StreamFrame[], log: string[], failure?: Error) {
  return (async function* () {
    try {
      yield* frames;
      if (failure !== undefined) throw failure;
    } finally {
      log.push('upstream returned');
    }
  })();
}

const first = deltaFrame({ text: 'a' });
const second = deltaFrame({ text: 'b' });
const end = endFrame('stop');

describe('the frames of an opened stream', () => {
  it('hand on the first frame, then the rest, and tell every listener the end frame', async () => {
    const log: string[] = [];
    const frames = new OpenedFrames(first, upstream([second, end], log));
    frames.onEnd((frame) => log.push(`metrics saw ${frame.usage.completion_tokens}`));
    frames.onEnd((frame: EndFrame) => log.push(`budget saw ${frame.finish_reason}`));
    const seen: StreamFrame[] = [];
    for await (const frame of frames) {
      // The listeners hear of the end before the reader gets it.
      if (frame.type === 'end') log.push('reader saw the end');
      seen.push(frame);
    }
    expect(seen).toEqual([first, second, end]);
    // The upstream stream ended with its end frame: nothing to return.
    expect(log).toEqual(['metrics saw 7', 'budget saw stop', 'reader saw the end']);
  });

  it('cancel the upstream work when the reader leaves before the end', async () => {
    const log: string[] = [];
    const frames = new OpenedFrames(first, upstream([second, end], log));
    frames.onEnd(() => log.push('end seen'));
    for await (const frame of frames) {
      if (frame === second) break;
    }
    expect(log).toEqual(['upstream returned']);
  });

  it('do not cancel a stream whose end frame the reader already has', async () => {
    const log: string[] = [];
    const returned: string[] = [];
    const source = upstream([end], log);
    const frames = new OpenedFrames(first, {
      next: () => source.next(),
      return: () => {
        returned.push('return');
        return source.return(undefined);
      },
    });
    for await (const frame of frames) {
      if (frame.type === 'end') break;
    }
    expect(returned).toEqual([]);
    await expect(frames.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('pass an upstream failure on, with no end for the listeners and nothing left to cancel', async () => {
    const log: string[] = [];
    const failure = new SwitchyardError('stream_interrupted', 'the worker went quiet');
    const returned: string[] = [];
    const source = upstream([second], log, failure);
    const frames = new OpenedFrames(first, {
      next: () => source.next(),
      return: () => {
        returned.push('return');
        return source.return(undefined);
      },
    });
    frames.onEnd(() => log.push('end seen'));
    const seen: StreamFrame[] = [];
    await expect(
      (async () => {
        for await (const frame of frames) seen.push(frame);
      })(),
    ).rejects.toBe(failure);
    expect(seen).toEqual([first, second]);
    await frames.return();
    expect(returned).toEqual([]);
    expect(log).toEqual(['upstream returned']);
  });

  it('hand on an answer that ended at once (its end is the first frame) and nothing after it', async () => {
    const log: string[] = [];
    const frames = new OpenedFrames(end, upstream([second], log));
    const ends: EndFrame[] = [];
    frames.onEnd((frame) => ends.push(frame));
    const seen: StreamFrame[] = [];
    for await (const frame of frames) seen.push(frame);
    expect(seen).toEqual([end]);
    expect(ends).toEqual([end]);
  });
});
