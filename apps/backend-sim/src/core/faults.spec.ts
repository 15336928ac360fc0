import { describe, expect, it } from '@jest/globals';
import { FaultState, mergeFaults, NO_FAULTS } from './faults.js';

describe('faults', () => {
  it('merges partial updates and rejects bad values by name', () => {
    const merged = mergeFaults(NO_FAULTS, { errorRate: 0.5, dropAfterTokens: 3 });
    expect(merged).toEqual({ ...NO_FAULTS, errorRate: 0.5, dropAfterTokens: 3 });
    expect(mergeFaults(merged, { dropAfterTokens: null }).dropAfterTokens).toBeNull();
    expect(() => mergeFaults(NO_FAULTS, { errorRate: 2 })).toThrow('errorRate');
    expect(() => mergeFaults(NO_FAULTS, { errorStatus: 404 })).toThrow('errorStatus');
    expect(() => mergeFaults(NO_FAULTS, { hangMs: -5 })).toThrow('hangMs');
    expect(() => mergeFaults(NO_FAULTS, { explode: true })).toThrow('unknown fault "explode"');
  });

  it('draws error-rate decisions reproducibly from the seed', () => {
    const draw = (seed: number) => {
      const state = new FaultState(seed, 0.5);
      return Array.from({ length: 20 }, () => state.shouldFail());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1).filter(Boolean).length).toBeGreaterThan(3);
    expect(new FaultState(1, 1).shouldFail()).toBe(true);
    expect(new FaultState(1, 0).shouldFail()).toBe(false);
  });
});
