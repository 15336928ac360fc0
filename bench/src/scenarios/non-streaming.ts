import { runLoad } from '../load/load-runner.js';
import { PATHS_AND_RELAY, type HttpResult, type PathOrRelay } from '../load/jobs.js';
import { cpuTimes, type CpuTimes } from '../proc/proc-stats.js';
import type { ManagedChild } from '../proc/managed-child.js';
import { startBackends } from '../stack/bench-stack.js';
import { addRelay } from '../stack/relay.js';
import type { BenchSim } from '../stack/sim.js';
import { formatDelta, formatNumber, formatRatio, median } from '../stats.js';
import { goal, pick, table, type ScenarioContext } from './context.js';
import { runLatencySteps, type LatencyStepsResult } from './latency-steps.js';
import { warmUpRequests } from './warm-up.js';

export const NON_STREAMING_LEVELS = [1, 16, 64];
/** Scenario 3 reads the CPU of the scenario 1 runs at this concurrency. */
export const CPU_LEVEL = 16;

/** CPU time (µs) each process used during one run. */
export type CpuUse = Record<
  'gateway' | 'worker' | 'nats' | 'portkey' | 'sim' | 'relayGateway' | 'relayWorker',
  CpuTimes
>;

export interface NonStreamingRun {
  round: number;
  concurrency: number;
  path: PathOrRelay;
  rps: number;
  ok: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  cpuUs: CpuUse;
}

export interface NonStreamingResult {
  levels: number[];
  runs: NonStreamingRun[];
  /** Where the added latency at concurrency 1 goes (with concurrency 1 among the levels). */
  steps?: LatencyStepsResult;
}

/**
 * Scenario 1 (and the measurement of scenario 3): non-streaming chat against a simulator with no
 * delay at all, so everything measured is the HTTP and gateway work. Autocannon at each
 * concurrency, the paths in turn in every round: the three every scenario compares, and the relay
 * (Switchyard's hops with nothing in them) to show what the design itself costs.
 */
export async function runNonStreaming(
  ctx: ScenarioContext,
  levels: readonly number[],
): Promise<NonStreamingResult> {
  const { stack, options } = ctx;
  const backends = await startBackends(stack, {
    model: 'bench-plain',
    pairs: 1,
    sim: { tokensPerSecond: 0, ttftMs: 0, answerTokens: 16, maxConcurrency: 1024, queue: 4096 },
    workerConcurrency: 1024,
    workerQueue: 4096,
  });
  const { relay, targets } = await addRelay(stack.nats.url, backends, false);
  const pids = {
    gateway: stack.gateway.process.pid,
    worker: (backends.workers[0] as ManagedChild).pid,
    nats: stack.nats.process.pid,
    portkey: stack.portkey.process.pid,
    sim: (backends.sims[0] as BenchSim).process.pid,
    relayGateway: relay.gateway.pid,
    relayWorker: relay.worker.pid,
  };
  const cpu = (): CpuUse => ({
    gateway: cpuTimes(pids.gateway),
    worker: cpuTimes(pids.worker),
    nats: cpuTimes(pids.nats),
    portkey: cpuTimes(pids.portkey),
    sim: cpuTimes(pids.sim),
    relayGateway: cpuTimes(pids.relayGateway),
    relayWorker: cpuTimes(pids.relayWorker),
  });
  const body = backends.body();
  const runs: NonStreamingRun[] = [];
  let steps: LatencyStepsResult | undefined;
  try {
    for (const path of PATHS_AND_RELAY) {
      const answered = await warmUpRequests(targets[path], body);
      ctx.progress(`[1] warm-up ${path}: ${answered} requests`);
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (const concurrency of levels) {
        for (const path of PATHS_AND_RELAY) {
          const before = cpu();
          const result = await runLoad<HttpResult>(
            {
              kind: 'http',
              target: targets[path],
              body,
              connections: concurrency,
              durationSec: options.durationSec,
            },
            options.durationSec * 1000 + 120_000,
          );
          const after = cpu();
          const cpuUs = Object.fromEntries(
            Object.entries(after).map(([name, value]) => [
              name,
              timesBetween(before[name as keyof CpuUse], value),
            ]),
          ) as CpuUse;
          runs.push({
            round,
            concurrency,
            path,
            rps: result.rps,
            ok: result.ok,
            errors: result.errors,
            p50Ms: result.latencyMs.p50,
            p99Ms: result.latencyMs.p99,
            cpuUs,
          });
          ctx.progress(
            `[1] round ${round} c=${concurrency} ${path}: ${result.rps.toFixed(0)} req/s, p50 ${result.latencyMs.p50.toFixed(2)} ms, ${result.errors} errors`,
          );
        }
      }
    }
    if (levels.includes(1)) {
      const backend = (backends.sims[0] as BenchSim).process;
      steps = await runLatencySteps(
        ctx,
        {
          relay: {
            target: targets.relay,
            processes: { gateway: relay.gateway, worker: relay.worker, backend },
          },
          switchyard: {
            target: targets.switchyard,
            processes: {
              gateway: stack.gateway.process,
              worker: backends.workers[0] as ManagedChild,
              backend,
            },
          },
        },
        body,
      );
    }
  } finally {
    await relay.stop();
    await backends.stop();
  }
  return { levels: [...levels], runs, ...(steps === undefined ? {} : { steps }) };
}

function timesBetween(before: CpuTimes, after: CpuTimes): CpuTimes {
  return {
    totalUs: after.totalUs - before.totalUs,
    systemUs: after.systemUs - before.systemUs,
    otherThreadsUs: after.otherThreadsUs - before.otherThreadsUs,
  };
}

/** Median over rounds of (path − direct) in the same round, for one latency field. */
function added(
  runs: readonly NonStreamingRun[],
  c: number,
  path: PathOrRelay,
  field: 'p50Ms' | 'p99Ms',
): number {
  const deltas: number[] = [];
  for (const run of runs.filter((r) => r.concurrency === c && r.path === path)) {
    const direct = runs.find(
      (r) => r.concurrency === c && r.path === 'direct' && r.round === run.round,
    );
    if (direct) deltas.push(run[field] - direct[field]);
  }
  return median(deltas);
}

export function renderNonStreaming(result: NonStreamingResult): string {
  const rows: string[][] = [];
  for (const c of result.levels) {
    const at = (path: PathOrRelay) => (r: NonStreamingRun) =>
      r.concurrency === c && r.path === path;
    const rps = (path: PathOrRelay) => median(pick(result.runs, at(path), (r) => r.rps));
    for (const path of PATHS_AND_RELAY) {
      const addedP50 = added(result.runs, c, path, 'p50Ms');
      const goals: string[] = [];
      if (path === 'switchyard') {
        goals.push(goal('≥ 5× Portkey', rps('switchyard') >= 5 * rps('portkey')));
        if (c === 1) goals.push(goal('added p50 ≤ 1 ms', addedP50 <= 1));
      }
      rows.push([
        String(c),
        path,
        formatNumber(rps(path)),
        formatRatio(rps(path), rps('portkey')),
        formatNumber(median(pick(result.runs, at(path), (r) => r.p50Ms))),
        formatNumber(median(pick(result.runs, at(path), (r) => r.p99Ms))),
        path === 'direct' ? '' : formatDelta(addedP50, 'ms'),
        path === 'direct' ? '' : formatDelta(added(result.runs, c, path, 'p99Ms'), 'ms'),
        String(pick(result.runs, at(path), (r) => r.errors).reduce((a, b) => a + b, 0)),
        goals.join('; '),
      ]);
    }
  }
  return table(
    [
      'Concurrency',
      'Path',
      'Requests/s',
      '× Portkey',
      'p50 ms',
      'p99 ms',
      'Added p50',
      'Added p99',
      'Errors',
      'Goal',
    ],
    rows,
  );
}
