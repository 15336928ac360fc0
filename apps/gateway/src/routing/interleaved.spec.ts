import { describe, expect, it } from '@jest/globals';
import { interleaved } from './interleaved.js';

/** A source that yields `values`, waiting for `gate` before each one after the first. */
function source<T>(values: T[], log: string[], name: string, gate?: Promise<void>) {
  return (async function* () {
    try {
      for (const [i, value] of values.entries()) {
        if (i > 0 && gate !== undefined) await gate;
        yield value;
      }
    } finally {
      log.push(`${name} stopped`);
    }
  })();
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = [];
  for await (const item of iterable) seen.push(item);
  return seen;
}

describe('interleaved sources', () => {
  it("pass every value on with its source, each source's order kept", async () => {
    const log: string[] = [];
    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const merged = collect(
      interleaved([source([1, 2, 3], log, 'a', gate), source([10, 20], log, 'b')]),
    );
    setTimeout(open, 10);
    const seen = await merged;
    expect(seen).toHaveLength(5);
    expect(seen.filter(({ source }) => source === 0).map(({ value }) => value)).toEqual([1, 2, 3]);
    expect(seen.filter(({ source }) => source === 1).map(({ value }) => value)).toEqual([10, 20]);
    // b did not wait for a's gate: its values came before a's later ones.
    expect(seen.findIndex(({ value }) => value === 20)).toBeLessThan(
      seen.findIndex(({ value }) => value === 2),
    );
  });

  it("end with the first source's failure, telling the others to stop", async () => {
    const log: string[] = [];
    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const failing = (async function* () {
      yield 1;
      throw new Error('backend gone');
    })();
    const merged = collect(interleaved([source([1, 2], log, 'slow', gate), failing]));
    await expect(merged).rejects.toThrow('backend gone');
    open();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log).toEqual(['slow stopped']);
  });

  it('tell every source to stop when the reader stops early', async () => {
    const log: string[] = [];
    for await (const _ of interleaved([source([1, 2], log, 'a'), source([3, 4], log, 'b')])) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log.sort()).toEqual(['a stopped', 'b stopped']);
  });
});
