import { describe, expect, it } from '@jest/globals';
import { decodeMessage, encodeMessage } from './json-codec.js';
import { replyFrameSchema, type ReplyFrame } from './reply-frames.js';

describe('management delta frames', () => {
  it('carry progress and results through the codec unchanged', () => {
    const frames: ReplyFrame[] = [
      { type: 'delta', seq: 1, progress: { status: 'pulling manifest' } },
      {
        type: 'delta',
        seq: 2,
        progress: { status: 'pulling 6a0746a1ec1a', digest: 'sha256:6a07', total: 9, completed: 3 },
      },
      { type: 'delta', seq: 3, result: { models: [{ name: 'm', details: { size: 1 } }] } },
    ];
    for (const frame of frames) {
      expect(decodeMessage(replyFrameSchema, encodeMessage(frame), 'frame')).toEqual(frame);
    }
  });

  it('refuse progress without a status or with fractional byte counts', () => {
    expect(replyFrameSchema.safeParse({ type: 'delta', seq: 1, progress: {} }).success).toBe(false);
    expect(
      replyFrameSchema.safeParse({ type: 'delta', seq: 1, progress: { status: 's', total: 1.5 } })
        .success,
    ).toBe(false);
  });
});
