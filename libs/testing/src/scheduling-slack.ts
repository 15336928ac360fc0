const DEFAULT_SLACK_MS = 3_000;

/**
 * What a shared, loaded CI machine may add to any timer or I/O: a 2-core box running three jest
 * projects, nats-server processes and other people's work can delay a 100 ms timer by seconds.
 *
 * A timing claim in a test keeps its cause and only gains this noise allowance: "healthy within
 * one interval" is written `interval + SCHEDULING_SLACK_MS`, so the thing must still happen and
 * still be driven by the interval, but a busy scheduler cannot turn the run red. Count-in-a-window
 * claims are restated as "wait (bounded) until N events happened" instead of scaling windows.
 *
 * Default 3 000 ms; set `SWITCHYARD_TEST_SLACK_MS` (a non-negative integer of milliseconds) to
 * widen it on a slower machine or shrink it while hunting a regression locally.
 */
export const SCHEDULING_SLACK_MS = schedulingSlackFrom(process.env['SWITCHYARD_TEST_SLACK_MS']);

/** The slack an environment value asks for; unset or blank means the default. */
export function schedulingSlackFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_SLACK_MS;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    // A typo must not silently become "no slack" (flaky) or NaN (every wait instant).
    throw new Error(
      `SWITCHYARD_TEST_SLACK_MS must be a non-negative integer of milliseconds, got "${value}"`,
    );
  }
  return parsed;
}

/**
 * The timeout for a `beforeAll` that starts several processes (nats-server, workers, discovery,
 * a gateway): jest's 30 s for the work itself plus the slack for each of a few process starts,
 * each of which a loaded machine can hold up.
 */
export const PROCESS_HOOK_TIMEOUT_MS = 30_000 + 4 * SCHEDULING_SLACK_MS;
