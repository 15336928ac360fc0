import { describe, expect, it } from '@jest/globals';
import { Worker } from 'node:worker_threads';
import { cpuTimes, type CpuTimes } from './proc-stats.js';

const grown = (before: CpuTimes, after: CpuTimes) => ({
  total: after.totalUs - before.totalUs,
  system: after.systemUs - before.systemUs,
  otherThreads: after.otherThreadsUs - before.otherThreadsUs,
});

/** Spins on this thread until the process has used `us` more CPU (at most 10 s of wall time). */
function spinFor(us: number): void {
  const start = cpuTimes(process.pid).totalUs;
  const deadline = Date.now() + 10_000;
  while (cpuTimes(process.pid).totalUs - start < us && Date.now() < deadline);
}

describe('cpuTimes', () => {
  it('counts work on the main thread in the total and not in the other threads', () => {
    const before = cpuTimes(process.pid);
    spinFor(200_000);
    const delta = grown(before, cpuTimes(process.pid));
    expect(delta.total).toBeGreaterThanOrEqual(200_000);
    expect(delta.system).toBeLessThanOrEqual(delta.total);
    expect(delta.otherThreads).toBeLessThan(delta.total / 2);
  });

  it('counts a thread beside the main one (as V8 runs its GC) as off the main thread', async () => {
    const before = cpuTimes(process.pid);
    const worker = new Worker('const end = Date.now() + 500; while (Date.now() < end);', {
      eval: true,
    });
    await new Promise((resolve) => worker.once('exit', resolve));
    const delta = grown(before, cpuTimes(process.pid));
    // Half a second of spinning gets a good part of a core even on a busy machine; the main
    // thread only waited.
    expect(delta.otherThreads).toBeGreaterThanOrEqual(50_000);
    expect(delta.otherThreads).toBeLessThanOrEqual(delta.total);
  });
});
