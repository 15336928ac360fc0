import { describe, expect, it } from '@jest/globals';
import type { CpuTimes } from '../proc/proc-stats.js';
import { cpuCost, renderCpuByConcurrency, renderCpuCost } from './cpu-cost.js';
import { CPU_LEVEL, type CpuUse, type NonStreamingRun } from './non-streaming.js';

const times = (totalUs: number, systemUs = 0, otherThreadsUs = 0): CpuTimes => ({
  totalUs,
  systemUs,
  otherThreadsUs,
});
const idle: CpuUse = {
  gateway: times(0),
  worker: times(0),
  nats: times(0),
  portkey: times(0),
  sim: times(0),
  relayGateway: times(0),
  relayWorker: times(0),
};

function run(round: number, path: NonStreamingRun['path'], ok: number, cpu: Partial<CpuUse>) {
  return {
    round,
    concurrency: CPU_LEVEL,
    path,
    rps: ok,
    ok,
    errors: 0,
    p50Ms: 1,
    p99Ms: 2,
    cpuUs: { ...idle, ...cpu },
  };
}

describe('cpuCost', () => {
  const runs: NonStreamingRun[] = [
    run(1, 'switchyard', 1_000, {
      gateway: times(300_000, 50_000, 80_000),
      worker: times(200_000, 40_000, 60_000),
      nats: times(100_000, 50_000, 30_000),
    }),
    run(2, 'switchyard', 2_000, {
      gateway: times(800_000, 100_000, 200_000),
      worker: times(600_000, 80_000, 100_000),
      nats: times(200_000, 100_000, 60_000),
    }),
    run(3, 'switchyard', 1_000, {
      gateway: times(500_000, 60_000, 120_000),
      worker: times(250_000, 45_000, 70_000),
      nats: times(150_000, 70_000, 40_000),
    }),
    run(1, 'portkey', 500, { portkey: times(600_000, 50_000, 100_000) }),
    run(1, 'direct', 4_000, { sim: times(400_000, 100_000, 20_000) }),
    // The relay's processes count only in its own runs, with the nats-server of those runs.
    run(1, 'relay', 1_000, {
      relayGateway: times(150_000, 30_000, 20_000),
      relayWorker: times(120_000, 25_000, 15_000),
      nats: times(60_000, 40_000, 0),
      gateway: times(1e9),
    }),
    // Another concurrency, and a run that answered nothing: neither counts.
    { ...run(1, 'switchyard', 10, { gateway: times(1e9) }), concurrency: 1 },
    run(4, 'switchyard', 0, { gateway: times(1e9) }),
  ];
  const cost = cpuCost({ levels: [1, CPU_LEVEL], runs });

  it('takes per answered request the median over rounds of each part of the time', () => {
    expect(cost.gateway).toEqual({ total: 400, system: 50, otherThreads: 100 });
    expect(cost.worker).toEqual({ total: 250, system: 40, otherThreads: 60 });
    expect(cost.nats).toEqual({ total: 100, system: 50, otherThreads: 30 });
    expect(cost.portkey).toEqual({ total: 1_200, system: 100, otherThreads: 200 });
    expect(cost.simDirect).toEqual({ total: 100, system: 25, otherThreads: 5 });
  });

  it("sums the relay's two processes and nats-server during the relay's runs", () => {
    expect(cost.relay).toEqual({ total: 330, system: 95, otherThreads: 35 });
    expect(cost.relayGateway).toEqual({ total: 150, system: 30, otherThreads: 20 });
    expect(cost.relayWorker).toEqual({ total: 120, system: 25, otherThreads: 15 });
  });

  it("sums Switchyard's processes within each run before taking the median", () => {
    // Per request, runs 1–3: 600, 800, 900 in all; 140, 140, 175 in the kernel.
    expect(cost.switchyard).toEqual({ total: 800, system: 140, otherThreads: 180 });
  });

  it('shows the kernel share for every row and the other threads only for Node processes', () => {
    const lines = renderCpuCost(cost).split('\n');
    const row = (name: string) => lines.find((line) => line.includes(name))?.split('|');
    expect(row('of which gateway')?.map((cell) => cell.trim())).toEqual([
      '',
      'of which gateway',
      '400 µs',
      '50.0 µs',
      '100 µs',
      '',
      '',
    ]);
    expect(row('of which nats-server')?.[4]?.trim()).toBe('–');
    expect(row('Switchyard: gateway')?.[5]).toContain('missed');
    expect(
      row('Relay')
        ?.map((cell) => cell.trim())
        .slice(2, 5),
    ).toEqual(['330 µs', '95.0 µs', '–']);
  });
});

describe('cpuCost by concurrency', () => {
  const at = (
    concurrency: number,
    path: NonStreamingRun['path'],
    ok: number,
    cpu: Partial<CpuUse>,
  ) => ({
    ...run(1, path, ok, cpu),
    concurrency,
  });
  const cost = cpuCost({
    levels: [CPU_LEVEL, 1],
    runs: [
      at(1, 'switchyard', 100, {
        gateway: times(120_000),
        worker: times(100_000),
        nats: times(30_000),
        sim: times(60_000),
      }),
      at(1, 'direct', 1_000, { sim: times(110_000) }),
      at(1, 'portkey', 100, { portkey: times(200_000) }),
      at(1, 'relay', 100, {
        relayGateway: times(80_000),
        relayWorker: times(70_000),
        nats: times(20_000),
      }),
      at(CPU_LEVEL, 'switchyard', 1_000, {
        gateway: times(300_000),
        worker: times(250_000),
        nats: times(80_000),
        sim: times(150_000),
      }),
      at(CPU_LEVEL, 'direct', 1_000, { sim: times(140_000) }),
    ],
  });

  it("gives every process's total per request at each concurrency, lowest first", () => {
    expect(cost.byConcurrency).toEqual([
      {
        concurrency: 1,
        gateway: 1_200,
        worker: 1_000,
        nats: 300,
        switchyard: 2_500,
        relay: 1_700,
        simThroughSwitchyard: 600,
        simDirect: 110,
        portkey: 2_000,
      },
      {
        concurrency: CPU_LEVEL,
        gateway: 300,
        worker: 250,
        nats: 80,
        switchyard: 630,
        relay: NaN,
        simThroughSwitchyard: 150,
        simDirect: 140,
        portkey: NaN,
      },
    ]);
  });

  it('renders one column per concurrency and a dash where a path did not run', () => {
    const lines = renderCpuByConcurrency(cost).split('\n');
    expect(lines[0]).toBe(`| Process | c=1 | c=${CPU_LEVEL} |`);
    const cells = (name: string) =>
      lines
        .find((line) => line.startsWith(`| ${name} |`))
        ?.split('|')
        .slice(2, -1)
        .map((cell) => cell.trim());
    expect(cells('Simulator, fed by Switchyard')).toEqual(['600 µs', '150 µs']);
    expect(cells('Simulator, fed directly')).toEqual(['110 µs', '140 µs']);
    expect(cells('Portkey')).toEqual(['2000 µs', '–']);
    expect(cells('Relay + nats-server')).toEqual(['1700 µs', '–']);
  });
});
