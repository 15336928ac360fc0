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
  /** relay gateway + relay worker + nats-server: the same hops with nothing in them. */
  relay: RequestCost;
  relayGateway: RequestCost;
  relayWorker: RequestCost;
  portkey: RequestCost;
  simDirect: RequestCost;
  /** Total µs per request of each process at every scenario 1 concurrency, low to high. */
  byConcurrency: CpuAtConcurrency[];
}

/** µs of CPU per answered request at one concurrency (medians over rounds, totals only). */
export interface CpuAtConcurrency {
  concurrency: number;
  gateway: number;
  worker: number;
  nats: number;
  switchyard: number;
  relay: number;
  /** The simulator while Switchyard's runs fed it, and while the direct runs did. */
  simThroughSwitchyard: number;
  simDirect: number;
  portkey: number;
}

/**
 * Scenario 3: the CPU time the processes' own accounting (/proc) shows for the scenario 1 runs
 * at concurrency 16, per answered request: all Switchyard processes plus nats-server during the
 * Switchyard runs; the relay's two processes plus nats-server during the relay runs (what the
 * design costs before any of Switchyard's work); Portkey's process during the Portkey runs; the
 * simulator during the direct runs, for reference. Split into the kernel's share (system calls and the network stack) and,
 * for Node processes, the share of the threads beside the main one (V8's garbage collector and
 * compilers), which together say whether a cost is I/O, JavaScript or its garbage.
 */
export function cpuCost(result: NonStreamingResult): CpuCostResult {
  const per = (
    path: NonStreamingRun['path'],
    use: (cpu: CpuUse) => CpuTimes[],
    concurrency = CPU_LEVEL,
  ): RequestCost => {
    const runs = result.runs.filter(
      (run) => run.concurrency === concurrency && run.path === path && run.ok > 0,
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
    relay: per('relay', relayProcesses),
    relayGateway: per('relay', (cpu) => [cpu.relayGateway]),
    relayWorker: per('relay', (cpu) => [cpu.relayWorker]),
    portkey: per('portkey', (cpu) => [cpu.portkey]),
    simDirect: per('direct', (cpu) => [cpu.sim]),
    byConcurrency: [...result.levels]
      .sort((a, b) => a - b)
      .map((level) => ({
        concurrency: level,
        gateway: per('switchyard', (cpu) => [cpu.gateway], level).total,
        worker: per('switchyard', (cpu) => [cpu.worker], level).total,
        nats: per('switchyard', (cpu) => [cpu.nats], level).total,
        switchyard: per('switchyard', (cpu) => [cpu.gateway, cpu.worker, cpu.nats], level).total,
        relay: per('relay', relayProcesses, level).total,
        simThroughSwitchyard: per('switchyard', (cpu) => [cpu.sim], level).total,
        simDirect: per('direct', (cpu) => [cpu.sim], level).total,
        portkey: per('portkey', (cpu) => [cpu.portkey], level).total,
      })),
  };
}

const relayProcesses = (cpu: CpuUse): CpuTimes[] => [cpu.relayGateway, cpu.relayWorker, cpu.nats];

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
      row('Relay (the same hops, nothing in them) + nats-server', cost.relay, false),
      row('of which relay gateway', cost.relayGateway, true),
      row('of which relay worker', cost.relayWorker, true),
      row('Portkey (its one process)', cost.portkey, true),
      row('Simulator, direct path (reference)', cost.simDirect, true),
    ],
  );
}

/**
 * Total CPU per request of each process at every concurrency of scenario 1. The simulator's two
 * rows are the same code fed two ways: back to back by the direct runs' load generator, and one
 * request at a time after each trip through Switchyard at low concurrency.
 */
export function renderCpuByConcurrency(cost: CpuCostResult): string {
  const levels = cost.byConcurrency;
  const row = (name: string, value: (at: CpuAtConcurrency) => number): string[] => [
    name,
    ...levels.map((at) => formatNumber(value(at), ' µs')),
  ];
  return table(
    ['Process', ...levels.map((at) => `c=${at.concurrency}`)],
    [
      row('gateway', (at) => at.gateway),
      row('vllm-worker', (at) => at.worker),
      row('nats-server', (at) => at.nats),
      row('Switchyard: all three', (at) => at.switchyard),
      row('Relay + nats-server', (at) => at.relay),
      row('Simulator, fed by Switchyard', (at) => at.simThroughSwitchyard),
      row('Simulator, fed directly', (at) => at.simDirect),
      row('Portkey', (at) => at.portkey),
    ],
  );
}
