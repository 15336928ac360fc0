import { SCHEDULING_SLACK_MS } from './scheduling-slack.js';

/** Thrown by {@link waitFor} when the condition never became true. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

export interface WaitForOptions {
  /** How long to keep trying. Default 5 s plus SCHEDULING_SLACK_MS. */
  timeoutMs?: number;
  /** Pause between attempts. Default 25 ms. */
  intervalMs?: number;
  /** What was awaited, for the error message. */
  description?: string;
}

/** What {@link settleWithin} gives when the time ran out first. */
export const PENDING = Symbol('pending');

/**
 * Polls `predicate` until it returns true. A predicate that throws counts as "not yet"; the last
 * error becomes the cause of the timeout, so a test failure shows why the condition never held.
 * When the deadline cuts a check off, the cause says so, with the last settled check's error as
 * its own cause.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  const {
    timeoutMs = 5_000 + SCHEDULING_SLACK_MS,
    intervalMs = 25,
    description = 'the condition',
  } = options;
  const deadline = Date.now() + timeoutMs;
  const timedOut = (cause: unknown): WaitTimeoutError =>
    new WaitTimeoutError(
      `timed out after ${timeoutMs} ms waiting for ${description}`,
      cause === undefined ? undefined : { cause },
    );
  let lastError: unknown;
  for (;;) {
    let settled: boolean | typeof PENDING;
    try {
      // A predicate that never settles must not outlast the deadline.
      settled = await settleWithin(predicate, Math.max(deadline - Date.now(), 0));
    } catch (error) {
      lastError = error;
      settled = false;
    }
    if (settled === true) return;
    if (settled === PENDING) {
      // The deadline cut the check off, so it is over, whatever `Date.now()` says (a timer may
      // fire a millisecond before the wall clock reaches its time). The cut-off check says nothing
      // of why the condition failed; the last check that did settle may, so it stays in the chain.
      throw timedOut(
        new Error(
          `the check of ${description} did not settle`,
          lastError === undefined ? undefined : { cause: lastError },
        ),
      );
    }
    if (Date.now() >= deadline) throw timedOut(lastError);
    await sleep(intervalMs);
  }
}

/**
 * What `work` settles with (a failure is thrown), or {@link PENDING} when `timeoutMs` runs out
 * first. `work` is called in a microtask, so one that throws at once fails the same way.
 */
export async function settleWithin<T>(
  work: () => T | Promise<T>,
  timeoutMs: number,
): Promise<T | typeof PENDING> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof PENDING>((resolve) => {
    timer = setTimeout(() => resolve(PENDING), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(work), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
