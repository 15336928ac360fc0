import { describe, expect, it } from '@jest/globals';
import { FrameQueue } from './frame-queue.js';

describe('FrameQueue', () => {
  it('keeps first-in first-out order across its compactions', () => {
    const queue = new FrameQueue<number>();
    const taken: number[] = [];
    let next = 0;
    // Interleave pushes and takes so the head passes the compaction threshold several times.
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3_000; i++) queue.push(next++);
      for (let i = 0; i < 2_500; i++) taken.push(queue.take() as number);
    }
    expect(queue.size).toBe(2_500);
    while (queue.size > 0) taken.push(queue.take() as number);
    expect(taken).toEqual(Array.from({ length: 15_000 }, (_v, i) => i));
    expect(queue.take()).toBeUndefined();
  });

  it('gives the items waiting from an offset on, after takes and compactions', () => {
    const queue = new FrameQueue<number>();
    for (let i = 0; i < 3_000; i++) queue.push(i);
    for (let i = 0; i < 2_000; i++) queue.take();
    expect(queue.from(0)).toEqual(Array.from({ length: 1_000 }, (_v, i) => 2_000 + i));
    expect(queue.from(998)).toEqual([2_998, 2_999]);
    expect(queue.from(1_000)).toEqual([]);
  });
});
