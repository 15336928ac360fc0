import { runLoad } from '../load/load-runner.js';
import { PATHS, type CancelResult, type PathName } from '../load/jobs.js';
import { startBackends } from '../stack/bench-stack.js';
import type { SimClose } from '../stack/sim.js';
import { formatNumber, median, percentile, summarize } from '../stats.js';
import { goal, table, type ScenarioContext } from './context.js';

/** How long the harness waits for the simulator to see a close after the client aborted. */
const SEEN_TIMEOUT_MS = 5_000;
/** Content chunks the client reads before it aborts (the answer is well under way). */
const AFTER_CHUNKS = 3;

export interface CancellationRun {
  round: number;
  path: PathName;
  /** Milliseconds from the client's abort to the simulator seeing the connection close. */
  delaysMs: number[];
  /** Aborts after which the simulator finished the answer instead (the abort never reached it). */
  ranToEnd: number;
  /** Aborts after which the simulator saw nothing within the timeout. */
  unseen: number;
  errors: Record<string, number>;
}

export interface CancellationResult {
  runs: CancellationRun[];
}

/**
 * Scenario 4: the client aborts a stream after a few tokens; the simulator's preloaded hook
 * reports when its HTTP server saw that response's connection close. Both times come from the
 * same monotonic clock. One cancellation at a time, so each close belongs to the last abort.
 */
export async function runCancellation(ctx: ScenarioContext): Promise<CancellationResult> {
  const { stack, options } = ctx;
  const backends = await startBackends(stack, {
    model: 'bench-cancel',
    pairs: 1,
    // 50 answer tokens at 50 tokens/s: a second per answer, so an abort lands mid-stream.
    sim: { tokensPerSecond: 50, ttftMs: 10, answerTokens: 50, maxConcurrency: 64, queue: 512 },
    workerConcurrency: 64,
    workerQueue: 512,
  });
  const sim = backends.sims[0];
  if (sim === undefined) throw new Error('no simulator');
  const runs: CancellationRun[] = [];
  try {
    const body = backends.body({ stream: true });
    for (let round = 1; round <= options.rounds; round++) {
      for (const path of PATHS) {
        const closes: SimClose[] = [];
        let wake: (() => void) | undefined;
        const unsubscribe = sim.onClose((close) => {
          closes.push(close);
          wake?.();
        });
        const run: CancellationRun = {
          round,
          path,
          delaysMs: [],
          ranToEnd: 0,
          unseen: 0,
          errors: {},
        };
        const onAborted = async (_index: number, ns: bigint): Promise<void> => {
          const deadline = Date.now() + SEEN_TIMEOUT_MS;
          while (closes.length === 0 && Date.now() < deadline) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
          }
          const close = closes.shift();
          if (close === undefined) run.unseen += 1;
          else if (!close.aborted) run.ranToEnd += 1;
          else run.delaysMs.push(Number(close.ns - ns) / 1e6);
        };
        try {
          const result = await runLoad<CancelResult>(
            {
              kind: 'cancel',
              target: backends.targets[path],
              body,
              count: options.cancels,
              afterChunks: AFTER_CHUNKS,
            },
            options.cancels * (SEEN_TIMEOUT_MS + 5_000) + 60_000,
            onAborted,
          );
          run.errors = result.errors;
        } finally {
          unsubscribe();
        }
        runs.push(run);
        ctx.progress(
          `[4] round ${round} ${path}: ${run.delaysMs.length} seen, p50 ${formatNumber(percentile(run.delaysMs, 50))} ms, ${run.ranToEnd} ran to the end, ${run.unseen} unseen`,
        );
      }
    }
  } finally {
    await backends.stop();
  }
  return { runs };
}

export function renderCancellation(result: CancellationResult): string {
  const rows = PATHS.map((path) => {
    const mine = result.runs.filter((run) => run.path === path);
    const p50 = median(mine.map((run) => percentile(run.delaysMs, 50)));
    const p99 = median(mine.map((run) => percentile(run.delaysMs, 99)));
    const all = mine.flatMap((run) => run.delaysMs);
    const total = mine.reduce(
      (sum, run) => sum + run.delaysMs.length + run.ranToEnd + run.unseen,
      0,
    );
    const ranToEnd = mine.reduce((sum, run) => sum + run.ranToEnd, 0);
    const unseen = mine.reduce((sum, run) => sum + run.unseen, 0);
    const errors = mine.reduce(
      (sum, run) => sum + Object.values(run.errors).reduce((a, b) => a + b, 0),
      0,
    );
    return [
      path,
      String(total),
      String(all.length),
      formatNumber(p50),
      formatNumber(p99),
      formatNumber(summarize(all).max),
      String(ranToEnd),
      String(unseen + errors),
      path === 'switchyard' ? goal('p99 ≤ 50 ms', p99 <= 50 && ranToEnd + unseen === 0) : '',
    ];
  });
  return table(
    [
      'Path',
      'Aborts',
      'Seen by the sim',
      'p50 ms',
      'p99 ms',
      'Max ms',
      'Ran to the end',
      'Lost',
      'Goal',
    ],
    rows,
  );
}
