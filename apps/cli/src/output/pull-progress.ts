import type { PullProgress } from '@switchyard/contracts';

const BAR_WIDTH = 24;
const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Whole percent done, when the total is known. */
export function percentOf(progress: PullProgress): number | undefined {
  if (progress.total === undefined || progress.total === 0) return undefined;
  return Math.min(100, Math.floor(((progress.completed ?? 0) * 100) / progress.total));
}

/** `pulling 6a0746a1ec1a 45% (235.2 MB of 522.6 MB)`, or just the status while no total is known. */
export function progressText(progress: PullProgress): string {
  const percent = percentOf(progress);
  if (percent === undefined || progress.total === undefined) return progress.status;
  const done = bytes(progress.completed ?? 0);
  return `${progress.status} ${percent}% (${done} of ${bytes(progress.total)})`;
}

function bytes(count: number): string {
  let value = count;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * Prints pull progress for a person. In a terminal, one line per status redrawn in place with a
 * bar; elsewhere (a pipe, a log file), a new line whenever the status or the whole percent
 * changes, so the output stays readable and bounded by 101 lines per layer.
 */
export class ProgressPrinter {
  private last: { status: string; text: string } | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly terminal: boolean,
  ) {}

  show(progress: PullProgress): void {
    const text = progressText(progress);
    if (this.last?.text === text) return;
    if (this.terminal) {
      const sameStatus = this.last?.status === progress.status;
      const percent = percentOf(progress);
      const line = percent === undefined ? text : `${bar(percent)} ${text}`;
      this.out.write(`${sameStatus ? '\r\u001b[K' : this.last === undefined ? '' : '\n'}${line}`);
    } else {
      this.out.write(`${text}\n`);
    }
    this.last = { status: progress.status, text };
  }

  /** Ends the redrawn line, if any. */
  finish(): void {
    if (this.terminal && this.last !== undefined) this.out.write('\n');
  }
}

function bar(percent: number): string {
  const filled = Math.round((percent * BAR_WIDTH) / 100);
  return `[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}]`;
}
