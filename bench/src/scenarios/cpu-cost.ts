import { formatNumber, median } from '../stats.js';
import { goal, table } from './context.js';
import {
  CPU_LEVEL,
  type CpuUse,
  type NonStreamingResult,
  type NonStreamingRun,
} from './non-streaming.js';

export interface CpuCostResult {
  concurrency: number;
  /** Medians over rounds, µs of CPU per answered request. */
  switchyardTotal: number;
  gateway: number;
  worker: number;
  nats: number;
  portkey: number;
  simDirect: number;
}

/**
 * Scenario 3: the CPU time the processes' own accounting (/proc/<pid>/stat) shows for the
 * scenario 1 runs at concurrency 16, per answered request: all Switchyard processes plus
 * nats-server during the Switchyard runs; Portkey's process during the Portkey runs; the
 * simulator during the direct runs, for reference.
 */
export function cpuCost(result: NonStreamingResult): CpuCostResult {
  const per = (path: NonStreamingRun['path'], use: (cpu: CpuUse) => number): number =>
    median(
      result.runs
        .filter((run) => run.concurrency === CPU_LEVEL && run.path === path && run.ok > 0)
        .map((run) => use(run.cpuUs) / run.ok),
    );
  return {
    concurrency: CPU_LEVEL,
    switchyardTotal: per('switchyard', (cpu) => cpu.gateway + cpu.worker + cpu.nats),
    gateway: per('switchyard', (cpu) => cpu.gateway),
    worker: per('switchyard', (cpu) => cpu.worker),
    nats: per('switchyard', (cpu) => cpu.nats),
    portkey: per('portkey', (cpu) => cpu.portkey),
    simDirect: per('direct', (cpu) => cpu.sim),
  };
}

export function renderCpuCost(cost: CpuCostResult): string {
  const us = (value: number): string => formatNumber(value, ' µs');
  return table(
    ['Processes', 'CPU per request', 'Goal'],
    [
      [
        'Switchyard: gateway + vllm-worker + nats-server',
        us(cost.switchyardTotal),
        goal('≤ 200 µs', cost.switchyardTotal <= 200),
      ],
      ['of which gateway', us(cost.gateway), ''],
      ['of which vllm-worker', us(cost.worker), ''],
      ['of which nats-server', us(cost.nats), ''],
      ['Portkey (its one process)', us(cost.portkey), ''],
      ['Simulator, direct path (reference)', us(cost.simDirect), ''],
    ],
  );
}
