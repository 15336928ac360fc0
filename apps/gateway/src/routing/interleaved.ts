/** A value of one of several sources, with the source's place in the list. */
export interface FromSource<T> {
  source: number;
  value: T;
}

type Pulled<T> =
  { source: number; result: IteratorResult<T> } | { source: number; failure: unknown };

/**
 * Several async sources read at once, each value passed on as it arrives (a source's own order
 * kept), until all of them end. The first source to fail ends the whole with its error; so does
 * the reader stopping. Either way the other sources are told to stop (`return()`), without being
 * waited for: a source blocked on a frame that will not come stops when its request is aborted,
 * which is its owner's part. At most one value per source is read ahead.
 */
export async function* interleaved<T>(
  sources: readonly AsyncIterable<T>[],
): AsyncGenerator<FromSource<T>> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<Pulled<T>>>();
  const pull = (source: number): void => {
    const next = (iterators[source] as AsyncIterator<T>).next().then(
      (result): Pulled<T> => ({ source, result }),
      (failure: unknown): Pulled<T> => ({ source, failure }),
    );
    pending.set(source, next);
  };
  iterators.forEach((_, source) => pull(source));
  try {
    while (pending.size > 0) {
      const pulled = await Promise.race(pending.values());
      pending.delete(pulled.source);
      if ('failure' in pulled) throw pulled.failure;
      if (pulled.result.done === true) continue;
      pull(pulled.source);
      yield { source: pulled.source, value: pulled.result.value };
    }
  } finally {
    for (const source of pending.keys()) {
      // A source still reading: its `return()` settles once its pending read does.
      void iterators[source]?.return?.()?.catch(() => undefined);
    }
  }
}
