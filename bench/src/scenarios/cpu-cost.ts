import type { CpuTimes } from '../proc/proc-stats.js';
import { formatNumber, median } from '../stats.js';
import { goal, table } from './context.js';
import {
  CPU_LEVEL,
  type CpuUse,
  type NonStreamingResult,
  type NonStreamingRun,
} from './non-streaming.js';

/** µs of CPU per answered request, medians over rounds, split as {@link CpuTimes} is. */
export interface RequestCost {
  total: number;
  system: number;
  otherThreads: number;
}

export interface CpuCostResult {
  concurrency: number;
  /** gateway + worker + nats-server. */
  switchyard: RequestCost;
  gateway: RequestCost;
  worker: RequestCost;
  nats: RequestCost;
  portkey: RequestCost;
  simDirect: RequestCost;
}

/**
 * Scenario 3: the CPU time the processes' own accounting (/proc) shows for the scenario 1 runs
 * at concurrency 16, per answered request: all Switchyard processes plus nats-server during the
 * Switchyard runs; Portkey's process during the Portkey runs; the simulator during the direct
 * runs, for reference. Split into the kernel's share (system calls and the network stack) and,
 * for Node processes, the share of the threads beside the main one (V8's garbage collector and
 * compilers), which together say whether a cost is I/O, JavaScript or its garbage.
 */
export function cpuCost(result: NonStreamingResult): CpuCostResult {
  const per = (path: NonStreamingRun['path'], use: (cpu: CpuUse) => CpuTimes[]): RequestCost => {
    const runs = result.runs.filter(
      (run) => run.concurrency === CPU_LEVEL && run.path === path && run.ok > 0,
    );
    const perRequest = (field: keyof CpuTimes): number =>
      median(runs.map((run) => sum(use(run.cpuUs), field) / run.ok));
    return {
      total: perRequest('totalUs'),
      system: perRequest('systemUs'),
      otherThreads: perRequest('otherThreadsUs'),
    };
  };
  return {
    concurrency: CPU_LEVEL,
    switchyard: per('switchyard', (cpu) => [cpu.gateway, cpu.worker, cpu.nats]),
    gateway: per('switchyard', (cpu) => [cpu.gateway]),
    worker: per('switchyard', (cpu) => [cpu.worker]),
    nats: per('switchyard', (cpu) => [cpu.nats]),
    portkey: per('portkey', (cpu) => [cpu.portkey]),
    simDirect: per('direct', (cpu) => [cpu.sim]),
  };
}

function sum(times: readonly CpuTimes[], field: keyof CpuTimes): number {
  return times.reduce((total, time) => total + time[field], 0);
}

export function renderCpuCost(cost: CpuCostResult): string {
  const us = (value: number): string => formatNumber(value, ' µs');
  // A Go process's threads are its scheduler's, not a garbage collector's: no split for it.
  const row = (name: string, value: RequestCost, node: boolean, goalText = ''): string[] => [
    name,
    us(value.total),
    us(value.system),
    node ? us(value.otherThreads) : '–',
    goalText,
  ];
  return table(
    ['Processes', 'CPU per request', 'of it in the kernel', 'of it off the main thread', 'Goal'],
    [
      row(
        'Switchyard: gateway + vllm-worker + nats-server',
        cost.switchyard,
        false,
        goal('≤ 200 µs', cost.switchyard.total <= 200),
      ),
      row('of which gateway', cost.gateway, true),
      row('of which vllm-worker', cost.worker, true),
      row('of which nats-server', cost.nats, false),
      row('Portkey (its one process)', cost.portkey, true),
      row('Simulator, direct path (reference)', cost.simDirect, true),
    ],
  );
}
