import { runLoad } from '../load/load-runner.js';
import type { HttpResult, StreamResult, Target } from '../load/jobs.js';

/**
 * What a path answers, unmeasured, before its first measured run. V8 compiles a function with
 * its optimizing compiler only after it has run many times, so a process is slow for its first
 * few thousand requests, and more so the more code a request runs through: the Switchyard
 * gateway, fed at concurrency 16 in 2-second runs on this project's 2-core machine, took
 * 1,490, 1,015, 485 and then 360–450 µs of CPU per request (Node 20.20). A second of warm-up,
 * as the benchmark first had, measured its first runs half cold; every path gets the same here.
 */
export const WARM_UP = {
  /** Requests answered per path before scenario 1 measures. */
  requests: 10_000,
  /** The most time the warm-up of one path takes, whatever it answered by then. */
  maxSec: 20,
  /** Each warm-up run (autocannon at concurrency 16). */
  runSec: 2,
  /** Streams per path before scenario 2 measures: 64 at once, 4 times over. */
  streams: { concurrency: 64, batches: 4 },
} as const;

/** Autocannon runs against the path until it answered {@link WARM_UP}`.requests`, or the time is up. */
export async function warmUpRequests(target: Target, body: string): Promise<number> {
  const deadline = Date.now() + WARM_UP.maxSec * 1000;
  let answered = 0;
  while (answered < WARM_UP.requests && Date.now() < deadline) {
    const result = await runLoad<HttpResult>(
      { kind: 'http', target, body, connections: 16, durationSec: WARM_UP.runSec },
      WARM_UP.runSec * 1000 + 60_000,
    );
    answered += result.ok;
  }
  return answered;
}

/** Streams through the path, checked like the measured ones, none of them measured. */
export async function warmUpStreams(
  target: Target,
  body: string,
  expected: { text: string; chunks: number },
): Promise<void> {
  await runLoad<StreamResult>(
    { kind: 'streams', target, body, ...WARM_UP.streams, expected },
    600_000,
  );
}
