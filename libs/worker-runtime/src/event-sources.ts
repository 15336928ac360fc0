// Ways to hand a backend's events on without a generator in between. Every async generator
// stacked on a streamed answer costs each of its tokens a few promises; under many streams at
// once that was most of what a worker allocated (profiled), and its garbage collection pauses
// every stream the worker carries.

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * `open()`'s items, with `open` called when the reading starts: whatever it throws is thrown to
 * the reader, as every other failure of the answer, and nothing stands between the reader and the
 * source after that.
 */
export function lazily<T>(open: () => AsyncIterable<T>): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => open()[Symbol.asyncIterator]() };
}

/**
 * `open()`'s items; when that source fails before its first item and `again(error)` gives another
 * source, that one's instead (once). Past the first item every call goes straight to the source.
 */
export class RetriedBeforeFirst<T> implements AsyncIterableIterator<T> {
  private source: AsyncIterator<T> | undefined;
  private started = false;
  private retried = false;

  constructor(
    private readonly open: () => AsyncIterable<T>,
    private readonly again: (error: unknown) => AsyncIterable<T> | undefined,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.started && this.source !== undefined) return this.source.next();
    try {
      this.source ??= this.open()[Symbol.asyncIterator]();
    } catch (error) {
      return this.failedBeforeFirst(error);
    }
    return this.source.next().then(this.firstResult, this.failedBeforeFirst);
  }

  async return(): Promise<IteratorResult<T>> {
    await this.source?.return?.();
    return DONE;
  }

  private readonly firstResult = (result: IteratorResult<T>): IteratorResult<T> => {
    this.started = true;
    return result;
  };

  private readonly failedBeforeFirst = (error: unknown): Promise<IteratorResult<T>> => {
    const instead = this.retried ? undefined : this.again(error);
    if (instead === undefined) return Promise.reject(error);
    this.retried = true;
    this.source = instead[Symbol.asyncIterator]();
    return this.source.next().then(this.firstResult);
  };
}
