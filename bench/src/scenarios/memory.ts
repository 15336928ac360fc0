import { rssKib } from '../proc/proc-stats.js';
import { formatNumber } from '../stats.js';
import { table } from './context.js';

/** Resident memory (MiB) of each process at one moment. */
export type RssSnapshot = Record<string, number>;

export interface MemoryResult {
  idle: RssSnapshot;
  /** At the end of scenario 2 (absent when scenario 2 did not run). */
  afterStreaming?: RssSnapshot;
}

/** Scenario 6: VmRSS of the named processes, now. A process that has exited is left out. */
export function snapshotRss(pids: Record<string, number>): RssSnapshot {
  const snapshot: RssSnapshot = {};
  for (const [name, pid] of Object.entries(pids)) {
    try {
      snapshot[name] = rssKib(pid) / 1024;
    } catch {
      // Exited between the listing and the read: nothing to report for it.
    }
  }
  return snapshot;
}

export function renderMemory(result: MemoryResult): string {
  const names = [
    ...new Set([...Object.keys(result.idle), ...Object.keys(result.afterStreaming ?? {})]),
  ];
  const mib = (value: number | undefined): string =>
    value === undefined ? '–' : formatNumber(value, ' MiB');
  return table(
    ['Process', 'Idle', 'End of scenario 2'],
    names.map((name) => [name, mib(result.idle[name]), mib(result.afterStreaming?.[name])]),
  );
}
