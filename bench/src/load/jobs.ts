// What the harness asks the load generator (a child process) to do, and what it reports back
// over the IPC channel. Everything here crosses a process boundary as JSON.
import type { Summary } from '../stats.js';

/** The paths every scenario compares. */
export type PathName = 'direct' | 'portkey' | 'switchyard';
export const PATHS: readonly PathName[] = ['direct', 'portkey', 'switchyard'];

/**
 * Scenarios 1 and 2 also run the relay (`src/relay`): Switchyard's hops (HTTP, NATS, a worker,
 * HTTP to the backend) with nothing in them, the least the design costs.
 */
export type PathOrRelay = PathName | 'relay';
export const PATHS_AND_RELAY: readonly PathOrRelay[] = ['direct', 'portkey', 'relay', 'switchyard'];

/** Where one path sends its requests: one URL, or several taken in turn (client-side balancing). */
export interface Target {
  path: PathOrRelay;
  urls: string[];
  headers: Record<string, string>;
}

/** Non-streaming requests at a fixed concurrency for a while (autocannon). */
export interface HttpJob {
  kind: 'http';
  target: Target;
  body: string;
  connections: number;
  durationSec: number;
}

export interface HttpResult {
  ok: number;
  errors: number;
  elapsedSec: number;
  rps: number;
  latencyMs: Summary;
}

/** Closed-loop non-streaming requests spread over several URLs in turn (undici). */
export interface LoopJob {
  kind: 'loop';
  target: Target;
  body: string;
  concurrency: number;
  durationSec: number;
}

/** Streams: `concurrency` at once, `batches` times, each checked against the expected answer. */
export interface StreamJob {
  kind: 'streams';
  target: Target;
  body: string;
  concurrency: number;
  batches: number;
  expected: { text: string; chunks: number };
}

export interface StreamResult {
  streams: number;
  /** Streams that were not complete or not in order, by reason. */
  failures: Record<string, number>;
  ttftMs: Summary;
  gapMs: Summary;
  elapsedSec: number;
}

/**
 * Cancellations, one at a time: start a stream, read `afterChunks` content chunks, abort, tell
 * the harness the abort time, and wait for its go-ahead before the next one.
 */
export interface CancelJob {
  kind: 'cancel';
  target: Target;
  body: string;
  count: number;
  afterChunks: number;
}

export interface CancelResult {
  aborted: number;
  errors: Record<string, number>;
}

export type LoadJob = HttpJob | LoopJob | StreamJob | CancelJob;

/** Child → parent. */
export type LoadMessage =
  | { type: 'result'; result: HttpResult | StreamResult | CancelResult }
  | { type: 'failed'; message: string }
  | { type: 'aborted'; index: number; ns: string };

/** Parent → child. */
export type ControlMessage = { type: 'job'; job: LoadJob } | { type: 'next' };
