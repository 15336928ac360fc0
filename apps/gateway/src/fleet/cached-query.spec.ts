import { describe, expect, it } from '@jest/globals';
import { CachedQuery } from './cached-query.js';

/** A query that counts its calls and answers with that count once `release` is called. */
function countingQuery() {
  let calls = 0;
  let release: () => void = () => undefined;
  const query = () => {
    calls += 1;
    const call = calls;
    return new Promise<number>((resolve) => (release = () => resolve(call)));
  };
  return { query, calls: () => calls, release: () => release() };
}

describe('CachedQuery', () => {
  it('shares one query among the callers that ask while it runs, then reuses its answer', async () => {
    const counting = countingQuery();
    const cached = new CachedQuery(60_000, counting.query);
    const asked = [cached.get(), cached.get(), cached.get({ fresh: true })];
    counting.release();
    expect(await Promise.all(asked)).toEqual([1, 1, 1]);
    expect(await cached.get()).toBe(1);
    expect(counting.calls()).toBe(1);
  });

  it('asks again when fresh, when forgotten, and once the answer is older than the TTL', async () => {
    const counting = countingQuery();
    const cached = new CachedQuery(60_000, counting.query);
    const ask = async (options?: { fresh?: boolean }) => {
      const answer = cached.get(options);
      counting.release();
      return answer;
    };
    expect(await ask()).toBe(1);
    expect(await ask({ fresh: true })).toBe(2);
    cached.forget();
    expect(await ask()).toBe(3);

    const expiring = new CachedQuery(0, counting.query);
    const first = expiring.get();
    counting.release();
    await first;
    const second = expiring.get();
    counting.release();
    expect(await second).toBe(5);
  });
});
