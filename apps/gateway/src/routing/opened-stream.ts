import type { StreamFrame } from '@switchyard/nats';
import { overheadMs } from '../http/response-streams.js';

// A reply stream once its first content frame has arrived: what the router hands on.

/** The frames from `first` on; a reader that leaves before the end cancels the upstream work. */
export async function* resume(
  first: StreamFrame,
  iterator: AsyncIterator<StreamFrame>,
): AsyncGenerator<StreamFrame> {
  // Set before the end frame is handed on: a reader that stops right after it did not leave early.
  let finished = first.type === 'end';
  try {
    yield first;
    while (!finished) {
      const next = await iterator.next();
      finished = next.done === true || next.value.type === 'end';
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // The reader left before the end (client gone, write failed): cancel the upstream work.
    if (!finished) await iterator.return?.();
  }
}

/**
 * The gateway's overhead up to the first token: its own time to first token minus the worker's
 * (`ttft_ms` of the first delta); for an answer whose first frame is its end, the whole overhead.
 */
export function firstTokenOverhead(
  first: StreamFrame,
  firstTokenMs: number,
  startedAt: number,
): number | undefined {
  if (first.type === 'end') return overheadMs(startedAt, first);
  if (first.type !== 'delta' || first.ttft_ms === undefined) return undefined;
  return Math.max(0, firstTokenMs - first.ttft_ms);
}
