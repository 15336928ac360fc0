// The few statistics the report needs. Percentiles use the nearest-rank method on a sorted copy,
// so p99 of 100 samples is the 99th value, never an interpolation between two runs.

/** The p-th percentile (0 < p ≤ 100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  return nearestRank(sortedCopy(samples), p);
}

/** The median (mean of the two middle values for an even count); NaN for no samples. */
export function median(samples: readonly number[]): number {
  const values = samples.filter((value) => Number.isFinite(value));
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * Count, percentiles and maximum from one sorted copy. No spread into `Math.max`: a minute's run
 * at a few thousand requests per second is more arguments than a call's stack holds.
 */
export function summarize(samples: readonly number[]): Summary {
  const sorted = sortedCopy(samples);
  return {
    count: sorted.length,
    p50: nearestRank(sorted, 50),
    p90: nearestRank(sorted, 90),
    p99: nearestRank(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
  };
}

function sortedCopy(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

function nearestRank(sorted: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** `a / b` as "3.2×"; "–" when either side is missing or b is zero. */
export function formatRatio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '–';
  const ratio = a / b;
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}

/** A number with a sensible count of digits for a table; "–" when missing. */
export function formatNumber(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return `${value.toFixed(digits)}${unit}`;
}

/** A signed difference ("+0.42 ms", "−1.3 ms"); "–" when missing. */
export function formatDelta(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  const text = formatNumber(Math.abs(value), unit === '' ? '' : ` ${unit}`);
  return `${value < 0 ? '−' : '+'}${text}`;
}

/** A fraction as a percentage ("93 %"). */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  return `${Math.round(fraction * 100)} %`;
}
