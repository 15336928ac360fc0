import { runLoad } from '../load/load-runner.js';
import { PATHS_AND_RELAY, type PathOrRelay, type StreamResult } from '../load/jobs.js';
import { directAnswer, startBackends, type ScenarioBackends } from '../stack/bench-stack.js';
import { addRelay } from '../stack/relay.js';
import { formatDelta, formatNumber, median } from '../stats.js';
import { goal, pick, table, type ScenarioContext } from './context.js';
import { warmUpStreams } from './warm-up.js';

export const STREAM_LEVELS = [1, 64, 512];
const ANSWER_TOKENS = 200;
/** Streams per run at each concurrency: enough samples at 1, one full batch at 512. */
const BATCHES: Record<number, number> = { 1: 10, 64: 2, 512: 1 };

export interface StreamingRun {
  round: number;
  concurrency: number;
  path: PathOrRelay;
  streams: number;
  failures: Record<string, number>;
  ttftP50Ms: number;
  ttftP99Ms: number;
  gapP50Ms: number;
  gapP99Ms: number;
  elapsedSec: number;
}

export interface StreamingResult {
  answerTokens: number;
  tokensPerSecond: number;
  expectedChunks: number;
  runs: StreamingRun[];
}

/**
 * Scenario 2: streamed chat, 200 tokens per answer at 1,000 tokens/s from the simulator, at 1,
 * 64 and 512 concurrent streams, over the three paths and the relay. Every stream is checked
 * against the direct, non-streamed answer to the same request. `hooks` run once the worker is
 * ready and before it stops (scenario 6 reads the services' memory there).
 */
export async function runStreaming(
  ctx: ScenarioContext,
  hooks: { atStart(backends: ScenarioBackends): void; atEnd(backends: ScenarioBackends): void },
): Promise<StreamingResult> {
  const { stack, options } = ctx;
  const backends = await startBackends(stack, {
    model: 'bench-stream',
    pairs: 1,
    // Room for 512 streams at once on every path: the simulator must not be the limit.
    sim: {
      tokensPerSecond: 1000,
      ttftMs: 10,
      answerTokens: ANSWER_TOKENS,
      maxConcurrency: 1024,
      queue: 4096,
    },
    workerConcurrency: 1024,
    workerQueue: 4096,
  });
  const { relay, targets } = await addRelay(stack.nats.url, backends, true);
  const runs: StreamingRun[] = [];
  let expectedChunks: number;
  try {
    hooks.atStart(backends);
    const expected = await directAnswer(backends, backends.body());
    expectedChunks = expected.completionTokens;
    const body = backends.body({ stream: true });
    for (const path of PATHS_AND_RELAY) {
      await warmUpStreams(targets[path], body, {
        text: expected.text,
        chunks: expected.completionTokens,
      });
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (const concurrency of STREAM_LEVELS) {
        for (const path of PATHS_AND_RELAY) {
          const result = await runLoad<StreamResult>(
            {
              kind: 'streams',
              target: targets[path],
              body,
              concurrency,
              batches: BATCHES[concurrency] ?? 1,
              expected: { text: expected.text, chunks: expected.completionTokens },
            },
            600_000,
          );
          runs.push({
            round,
            concurrency,
            path,
            streams: result.streams,
            failures: result.failures,
            ttftP50Ms: result.ttftMs.p50,
            ttftP99Ms: result.ttftMs.p99,
            gapP50Ms: result.gapMs.p50,
            gapP99Ms: result.gapMs.p99,
            elapsedSec: result.elapsedSec,
          });
          const failed = Object.values(result.failures).reduce((a, b) => a + b, 0);
          ctx.progress(
            `[2] round ${round} ${concurrency} streams ${path}: TTFT p50 ${result.ttftMs.p50.toFixed(1)} ms, gap p99 ${result.gapMs.p99.toFixed(2)} ms, ${failed} failed`,
          );
        }
      }
    }
    hooks.atEnd(backends);
  } finally {
    await relay.stop();
    await backends.stop();
  }
  return { answerTokens: ANSWER_TOKENS, tokensPerSecond: 1000, expectedChunks, runs };
}

type Field = 'ttftP50Ms' | 'ttftP99Ms' | 'gapP50Ms' | 'gapP99Ms';

function added(runs: readonly StreamingRun[], c: number, path: PathOrRelay, field: Field): number {
  const deltas: number[] = [];
  for (const run of runs.filter((r) => r.concurrency === c && r.path === path)) {
    const direct = runs.find(
      (r) => r.concurrency === c && r.path === 'direct' && r.round === run.round,
    );
    if (direct) deltas.push(run[field] - direct[field]);
  }
  return median(deltas);
}

function failureText(runs: readonly StreamingRun[]): string {
  const total = runs.reduce((sum, run) => sum + run.streams, 0);
  const reasons: Record<string, number> = {};
  for (const run of runs) {
    for (const [reason, count] of Object.entries(run.failures))
      reasons[reason] = (reasons[reason] ?? 0) + count;
  }
  const failed = Object.values(reasons).reduce((a, b) => a + b, 0);
  const detail = Object.entries(reasons).map(([reason, count]) => `${count} ${reason}`);
  return `${failed} of ${total}${detail.length > 0 ? ` (${detail.join(', ')})` : ''}`;
}

export function renderStreaming(result: StreamingResult): string {
  const rows: string[][] = [];
  for (const c of STREAM_LEVELS) {
    for (const path of PATHS_AND_RELAY) {
      const mine = result.runs.filter((r) => r.concurrency === c && r.path === path);
      if (mine.length === 0) continue;
      const at = (r: StreamingRun): boolean => r.concurrency === c && r.path === path;
      const gapAddedP99 = added(result.runs, c, path, 'gapP99Ms');
      const goals: string[] = [];
      if (path === 'switchyard' && c === 512) {
        goals.push(
          goal(
            'no dropped or reordered frame',
            mine.every((r) => Object.keys(r.failures).length === 0),
          ),
        );
      }
      if (path === 'switchyard' && c === 64)
        goals.push(goal('added gap p99 ≤ 5 ms', gapAddedP99 <= 5));
      const direct = path === 'direct';
      rows.push([
        String(c),
        path,
        formatNumber(median(pick(result.runs, at, (r) => r.ttftP50Ms))),
        direct ? '' : formatDelta(added(result.runs, c, path, 'ttftP50Ms'), 'ms'),
        formatNumber(median(pick(result.runs, at, (r) => r.gapP50Ms))),
        formatNumber(median(pick(result.runs, at, (r) => r.gapP99Ms))),
        direct ? '' : formatDelta(added(result.runs, c, path, 'gapP50Ms'), 'ms'),
        direct ? '' : formatDelta(gapAddedP99, 'ms'),
        failureText(mine),
        goals.join('; '),
      ]);
    }
  }
  return table(
    [
      'Streams',
      'Path',
      'TTFT p50 ms',
      'TTFT added',
      'Gap p50 ms',
      'Gap p99 ms',
      'Gap added p50',
      'Gap added p99',
      'Failed streams',
      'Goal',
    ],
    rows,
  );
}
