import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { TokenBudget } from './token-budget.js';

function refusal(run: () => void): SwitchyardError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as SwitchyardError;
  }
}

const alice = { id: 'key:alice', keyHash: 'alice' };
const bob = { id: 'key:bob', keyHash: 'bob' };

describe('token budget', () => {
  it('lets the overspending answer count, then refuses until the budget is positive again', () => {
    let now = 0;
    const budget = new TokenBudget({ tokens_per_minute: 60 }, () => now);
    expect(refusal(() => budget.check(alice))).toBeUndefined();
    // One answer of 80 tokens overdraws a budget of 60 by 20.
    budget.spend(alice, { prompt_tokens: 30, completion_tokens: 50 });
    const refused = refusal(() => budget.check(alice));
    expect(refused?.code).toBe('rate_limited');
    // 60 a minute is one a second: 21 seconds until the level is back to one token.
    expect(refused?.details).toEqual({ retry_after_ms: 21_000 });
    expect(refusal(() => budget.check(bob))).toBeUndefined();
    now = 20_000;
    expect(refusal(() => budget.check(alice))?.code).toBe('rate_limited');
    now = 21_000;
    expect(refusal(() => budget.check(alice))).toBeUndefined();
  });

  it('refills to a minute at most, and limits nothing without tokens_per_minute', () => {
    let now = 0;
    const budget = new TokenBudget({ tokens_per_minute: 60 }, () => now);
    now = 3_600_000;
    budget.spend(alice, { prompt_tokens: 60, completion_tokens: 0 });
    expect(refusal(() => budget.check(alice))?.code).toBe('rate_limited');
    const open = new TokenBudget({}, () => now);
    open.spend(alice, { prompt_tokens: 1_000_000, completion_tokens: 0 });
    expect(refusal(() => open.check(alice))).toBeUndefined();
  });
});
