import { runLoad } from '../load/load-runner.js';
import { PATHS, type HttpResult, type PathName } from '../load/jobs.js';
import { startBackends } from '../stack/bench-stack.js';
import { formatNumber, formatPercent, median } from '../stats.js';
import { goal, pick, table, type ScenarioContext } from './context.js';

export const PAIR_COUNTS = [1, 2, 4];
/** Each simulator takes 4 requests at once; twice that per pair keeps every slot busy. */
const SIM_SLOTS = 4;
const CALLERS_PER_PAIR = 2 * SIM_SLOTS;

export interface ScaleOutRun {
  round: number;
  pairs: number;
  path: PathName;
  rps: number;
  errors: number;
}

export interface ScaleOutResult {
  runs: ScaleOutRun[];
}

/**
 * Scenario 5: simulators limited to 4 concurrent requests at 50 tokens/s, 1, 2 and 4
 * simulator + worker pairs behind the one gateway. The direct path spreads requests over the
 * simulators in turn (ideal client-side balancing); Portkey uses its `loadbalance` strategy;
 * Switchyard its workers' queue group. Throughput is compared with one pair of the same path.
 */
export async function runScaleOut(ctx: ScenarioContext): Promise<ScaleOutResult> {
  const { stack, options } = ctx;
  const runs: ScaleOutRun[] = [];
  for (const pairs of PAIR_COUNTS) {
    const backends = await startBackends(stack, {
      model: `bench-scale-${pairs}`,
      pairs,
      sim: {
        tokensPerSecond: 50,
        ttftMs: 10,
        answerTokens: 16,
        maxConcurrency: SIM_SLOTS,
        queue: 512,
      },
      workerConcurrency: SIM_SLOTS,
      workerQueue: 256,
    });
    try {
      const body = backends.body();
      for (let round = 1; round <= options.rounds; round++) {
        for (const path of PATHS) {
          const result = await runLoad<HttpResult>(
            {
              kind: 'loop',
              target: backends.targets[path],
              body,
              concurrency: CALLERS_PER_PAIR * pairs,
              durationSec: options.durationSec,
            },
            options.durationSec * 1000 + 120_000,
          );
          runs.push({ round, pairs, path, rps: result.rps, errors: result.errors });
          ctx.progress(
            `[5] round ${round} ${pairs} pair(s) ${path}: ${result.rps.toFixed(1)} req/s, ${result.errors} errors`,
          );
        }
      }
    } finally {
      await backends.stop();
    }
  }
  return { runs };
}

export function renderScaleOut(result: ScaleOutResult): string {
  const rows: string[][] = [];
  for (const pairs of PAIR_COUNTS) {
    for (const path of PATHS) {
      const rps = (n: number): number =>
        median(
          pick(
            result.runs,
            (r) => r.pairs === n && r.path === path,
            (r) => r.rps,
          ),
        );
      if (!Number.isFinite(rps(pairs))) continue;
      const relative = rps(pairs) / rps(1);
      const efficiency = relative / pairs;
      const errors = result.runs
        .filter((r) => r.pairs === pairs && r.path === path)
        .reduce((sum, r) => sum + r.errors, 0);
      rows.push([
        String(pairs),
        path,
        formatNumber(rps(pairs)),
        `${formatNumber(relative)}×`,
        formatPercent(efficiency),
        String(errors),
        path === 'switchyard' && pairs === 4 ? goal('efficiency ≥ 90 %', efficiency >= 0.9) : '',
      ]);
    }
  }
  return table(['Pairs', 'Path', 'Requests/s', 'vs 1 pair', 'Efficiency', 'Errors', 'Goal'], rows);
}
