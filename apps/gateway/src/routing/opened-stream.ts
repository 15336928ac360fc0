import type { DeltaFrame, EndFrame } from '@switchyard/contracts';
import type { StreamFrame } from '@switchyard/nats';
import { overheadMs } from '../http/response-streams.js';

// A reply stream once its first content frame has arrived: what the router hands on.

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The frames from `first` on, for one reader; a reader that leaves before the end cancels the
 * upstream work. Whoever needs the end frame (the metrics, the caller's token budget) is told as
 * it is handed on (`onEnd`) rather than by wrapping the stream: every wrapping async generator
 * costs each frame of a streamed answer a few promises, and with many streams at once that
 * garbage sets how often, and so how long, the gateway pauses to collect it (profiled: three such
 * layers were a sixth of what the gateway allocated under 64 streams).
 */
export class OpenedFrames implements AsyncIterableIterator<StreamFrame> {
  private first: StreamFrame | undefined;
  /** Set before the end frame is handed on: a reader that stops right after it did not leave early. */
  private finished = false;
  private readonly endListeners: ((end: EndFrame) => void)[] = [];
  private readonly unfinishedListeners: ((deliveredChars: number) => void)[] = [];
  private readonly failureListeners: ((error: unknown) => void)[] = [];
  /** The characters of generated text (and reasoning, tool calls) handed on so far. */
  private deliveredChars = 0;

  constructor(
    first: StreamFrame,
    private readonly iterator: AsyncIterator<StreamFrame>,
  ) {
    this.first = first;
  }

  /** Calls `listener` with the end frame as it is handed on (not if the stream fails first). */
  onEnd(listener: (end: EndFrame) => void): void {
    this.endListeners.push(listener);
  }

  /**
   * Calls `listener` once if the stream stops before its end frame (the reader left, or the
   * stream failed), with the characters of output handed on until then: such an answer reports
   * no usage, yet the reader had that much of it.
   */
  onUnfinished(listener: (deliveredChars: number) => void): void {
    this.unfinishedListeners.push(listener);
  }

  /** Calls `listener` with the failure that ended the stream after its first frame, if one did. */
  onFailed(listener: (error: unknown) => void): void {
    this.failureListeners.push(listener);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StreamFrame>> {
    const first = this.first;
    if (first !== undefined) {
      this.first = undefined;
      return Promise.resolve(this.handOn(first));
    }
    if (this.finished) return Promise.resolve(DONE);
    return this.iterator.next().then(this.handOnNext, this.failed);
  }

  /** The reader left: cancel the upstream work unless the end (or a failure) came first. */
  async return(): Promise<IteratorResult<StreamFrame>> {
    this.first = undefined;
    if (!this.finished) {
      this.stoppedUnfinished();
      await this.iterator.return?.();
    }
    return DONE;
  }

  private readonly handOnNext = (
    next: IteratorResult<StreamFrame>,
  ): IteratorResult<StreamFrame> => {
    if (next.done === true) {
      this.finished = true;
      return DONE;
    }
    return this.handOn(next.value);
  };

  /** The upstream stream failed: it has ended itself, so there is nothing left to cancel. */
  private readonly failed = (error: unknown): never => {
    if (!this.finished) this.stoppedUnfinished();
    for (const listener of this.failureListeners) listener(error);
    throw error;
  };

  private stoppedUnfinished(): void {
    this.finished = true;
    for (const listener of this.unfinishedListeners) listener(this.deliveredChars);
  }

  private handOn(frame: StreamFrame): IteratorResult<StreamFrame> {
    if (frame.type === 'delta') this.deliveredChars += outputChars(frame);
    else if (frame.type === 'end') {
      this.finished = true;
      for (const listener of this.endListeners) listener(frame);
    }
    return { done: false, value: frame };
  }
}

/** The characters of output a delta carries: its text, reasoning and tool-call pieces. */
function outputChars(delta: DeltaFrame): number {
  let chars = (delta.text?.length ?? 0) + (delta.reasoning?.length ?? 0);
  for (const call of delta.tool_calls ?? []) {
    chars += (call.name?.length ?? 0) + (call.arguments?.length ?? 0);
  }
  return chars;
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
