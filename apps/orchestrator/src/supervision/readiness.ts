import { setTimeout as sleep } from 'node:timers/promises';
import type { BackendKind } from '@switchyard/contracts';
import { checkHealth } from './health-check.js';
import type { ProcessExit } from './managed-process.js';

export type ReadinessOutcome =
  | { type: 'ready' }
  | { type: 'exited'; exit: ProcessExit }
  | { type: 'timeout'; lastReason: string }
  | { type: 'aborted' };

export interface ReadinessOptions {
  kind: BackendKind;
  url: string;
  pollMs: number;
  timeoutMs: number;
  /** Settles when the process exits: waiting for readiness ends there. */
  exited: Promise<ProcessExit>;
  /** Aborted when a stop overtakes the start. */
  signal: AbortSignal;
}

/** Polls the backend's health endpoint until it answers, the process exits, or time runs out. */
export async function waitUntilReady(options: ReadinessOptions): Promise<ReadinessOutcome> {
  let exit: ProcessExit | undefined;
  void options.exited.then((value) => (exit = value));
  const deadline = Date.now() + options.timeoutMs;
  let lastReason: string;
  for (;;) {
    if (options.signal.aborted) return { type: 'aborted' };
    if (exit !== undefined) return { type: 'exited', exit };
    const result = await checkHealth(options.kind, options.url);
    if (exit !== undefined) return { type: 'exited', exit };
    if (result.ok) return { type: 'ready' };
    lastReason = result.reason;
    const left = deadline - Date.now();
    if (left <= 0) return { type: 'timeout', lastReason };
    await Promise.race([
      sleep(Math.min(options.pollMs, left), undefined, { ref: false }),
      options.exited,
    ]);
  }
}
