import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { lazily, RetriedBeforeFirst } from './event-sources.js';

async function* items(values: number[], failure?: Error): AsyncGenerator<number> {
  yield* values;
  if (failure !== undefined) throw failure;
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = [];
  for await (const item of source) seen.push(item);
  return seen;
}

const overflow = new SwitchyardError('context_length_exceeded', 'max_tokens is too large');

describe('lazily', () => {
  it('opens the source when the reading starts, and throws what opening threw to the reader', async () => {
    const opened: string[] = [];
    const source = lazily(() => {
      opened.push('opened');
      return items([1, 2]);
    });
    expect(opened).toEqual([]);
    expect(await collect(source)).toEqual([1, 2]);
    expect(opened).toEqual(['opened']);
    const refused = lazily<number>(() => {
      throw overflow;
    });
    await expect(collect(refused)).rejects.toBe(overflow);
  });
});

describe('RetriedBeforeFirst', () => {
  it('reads the other source when the first fails before its first item', async () => {
    const again: unknown[] = [];
    const source = new RetriedBeforeFirst(
      () => items([], overflow),
      (error) => {
        again.push(error);
        return items([7, 8]);
      },
    );
    expect(await collect(source)).toEqual([7, 8]);
    expect(again).toEqual([overflow]);
  });

  it('does not retry once an item was read, nor when `again` gives no source, nor twice', async () => {
    const late = new RetriedBeforeFirst(
      () => items([1], overflow),
      () => items([9]),
    );
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of late) seen.push(item);
      })(),
    ).rejects.toBe(overflow);
    expect(seen).toEqual([1]);

    const refused = new RetriedBeforeFirst(
      () => items([], overflow),
      () => undefined,
    );
    await expect(collect(refused)).rejects.toBe(overflow);

    const second = new SwitchyardError('context_length_exceeded', 'the prompt alone is too long');
    const twice = new RetriedBeforeFirst(
      () => items([], overflow),
      () => items([], second),
    );
    await expect(collect(twice)).rejects.toBe(second);
  });

  it('hands a source that fails to open to `again`, and returns the source it reads', async () => {
    let returned = false;
    const source = new RetriedBeforeFirst<number>(
      () => {
        throw overflow;
      },
      () =>
        (async function* () {
          try {
            yield 1;
            yield 2;
          } finally {
            returned = true;
          }
        })(),
    );
    for await (const item of source) {
      if (item === 1) break;
    }
    expect(returned).toBe(true);
  });
});
