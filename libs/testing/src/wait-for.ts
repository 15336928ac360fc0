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

const PENDING = Symbol('pending');

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
  let lastError: unknown;
  for (;;) {
    try {
      // A predicate that never settles must not outlast the deadline.
      const settled = await settleBy(predicate, deadline);
      if (settled === true) return;
      if (settled === PENDING) {
        // A check cut off by the deadline says nothing of why the condition failed; the last
        // check that did settle may, so it stays in the chain.
        lastError = new Error(
          `the check of ${description} did not settle`,
          lastError === undefined ? undefined : { cause: lastError },
        );
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new WaitTimeoutError(
        `timed out after ${timeoutMs} ms waiting for ${description}`,
        lastError === undefined ? undefined : { cause: lastError },
      );
    }
    await sleep(intervalMs);
  }
}

/** The predicate's answer, or PENDING when the deadline comes first. */
async function settleBy(
  predicate: () => boolean | Promise<boolean>,
  deadline: number,
): Promise<boolean | typeof PENDING> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof PENDING>((resolve) => {
    timer = setTimeout(() => resolve(PENDING), Math.max(deadline - Date.now(), 0));
  });
  try {
    return await Promise.race([Promise.resolve().then(predicate), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
