import type { BenchOptions } from '../options.js';
import type { BenchStack } from '../stack/bench-stack.js';

/** What every scenario gets: the running stack, the options, and a progress line writer. */
export interface ScenarioContext {
  stack: BenchStack;
  options: BenchOptions;
  progress(line: string): void;
}

/** A goal from the issue, shown beside a number and never asserted. */
export function goal(text: string, met: boolean | undefined): string {
  if (met === undefined) return `goal ${text}`;
  return `goal ${text}: ${met ? 'met' : 'missed'}`;
}

/** Values of `field` from the runs matching `where`, one per round. */
export function pick<T>(
  runs: readonly T[],
  where: (run: T) => boolean,
  field: (run: T) => number,
): number[] {
  return runs.filter(where).map(field);
}

/** A Markdown table; prettier aligns it when the report is written. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
