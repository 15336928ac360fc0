import { SwitchyardError, type Usage } from '@switchyard/contracts';
import { CHARS_PER_TOKEN, estimatePromptTokens } from '../limits/request-caps.js';
import type { Caller } from './api-key.policy.js';
import { TokenBuckets, type BucketRate } from './token-buckets.js';

export interface TokenBudgetConfig {
  tokens_per_minute?: number | undefined;
}

/**
 * Tokens per minute per caller (API key, or client address without keys), counted from the
 * usage each answer reports (prompt + completion). The cost of an answer is known only at its
 * end, so an answer is never cut short: the one that overspends finishes, and the caller's next
 * requests are refused with `rate_limited` (429, `Retry-After`) until the budget, refilled at the
 * per-minute rate up to a minute's worth, is positive again. An answer that stops before its end
 * (the client left, or it failed part-way) reports no usage, so it is charged an estimate, as
 * `gateway.limits` estimates a prompt (characters / 4): the prompt's and the output sent until
 * then. Otherwise a client could read an answer all but its end and hang up, for nothing.
 */
export class TokenBudget {
  private readonly buckets: TokenBuckets;
  private readonly rate: BucketRate | undefined;

  constructor(config: TokenBudgetConfig | undefined, now?: () => number) {
    this.buckets = new TokenBuckets(now);
    const perMinute = config?.tokens_per_minute;
    this.rate = perMinute === undefined ? undefined : { perMinute, capacity: perMinute };
  }

  /** Throws `rate_limited` when `caller` has spent its tokens for now. */
  check(caller: Caller | undefined): void {
    if (this.rate === undefined || caller === undefined) return;
    const retryAfterMs = this.buckets.waitFor(caller.id, this.rate);
    if (retryAfterMs === undefined) return;
    throw new SwitchyardError(
      'rate_limited',
      `token limit of ${this.rate.perMinute} tokens a minute reached`,
      { details: { retry_after_ms: retryAfterMs } },
    );
  }

  /**
   * Counts what an answer that stopped before its end used against `caller`'s budget: the
   * prompt of `body` and `outputChars` of output, estimated.
   */
  spendUnfinished(
    caller: Caller | undefined,
    body: Record<string, unknown> | undefined,
    outputChars: number,
  ): void {
    if (this.rate === undefined || caller === undefined) return;
    this.spend(caller, {
      prompt_tokens: body === undefined ? 0 : estimatePromptTokens(body),
      completion_tokens: Math.ceil(outputChars / CHARS_PER_TOKEN),
    });
  }

  /** Counts what an answer used against `caller`'s budget. */
  spend(caller: Caller | undefined, usage: Usage): void {
    if (this.rate === undefined || caller === undefined) return;
    this.buckets.debit(caller.id, this.rate, usage.prompt_tokens + usage.completion_tokens);
  }
}
