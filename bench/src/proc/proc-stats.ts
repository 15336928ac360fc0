import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, 100 on Linux almost everywhere). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!Number.isFinite(ticksPerSecond) || ticksPerSecond <= 0) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/** CPU time a process has used so far, in microseconds, split the ways that explain it. */
export interface CpuTimes {
  /** User + system time of every thread (nats-server's goroutines, V8's GC and compiler threads). */
  totalUs: number;
  /** The part spent in the kernel: system calls, network stack, page faults. */
  systemUs: number;
  /** The part spent on the threads other than the main one: for Node, V8's GC and compilers. */
  otherThreadsUs: number;
}

/**
 * A process's CPU times from the kernel's own accounting: `/proc/<pid>/stat` for the whole
 * process, `/proc/<pid>/task/<pid>/stat` for its main thread.
 */
export function cpuTimes(pid: number): CpuTimes {
  const all = statTimes(`/proc/${pid}/stat`);
  const main = statTimes(`/proc/${pid}/task/${pid}/stat`);
  const total = all.user + all.system;
  return { totalUs: total, systemUs: all.system, otherThreadsUs: total - main.user - main.system };
}

function statTimes(file: string): { user: number; system: number } {
  const stat = readFileSync(file, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: count fields after its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const toMicros = (ticks: string | undefined): number =>
    (Number(ticks) * 1_000_000) / clockTicks();
  return { user: toMicros(fields[11]), system: toMicros(fields[12]) };
}

/** Resident set size in KiB (`VmRSS` in `/proc/<pid>/status`). */
export function rssKib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}
