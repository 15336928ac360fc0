/**
 * The pause before the next check of an endpoint that failed `failures` times in a row: the
 * check interval doubled per failure up to `maxMs`, with "equal jitter" (half fixed, half random)
 * so replicas and endpoints that failed together do not retry in lockstep. The first failure
 * keeps the plain interval, so a backend that just died is confirmed down on the next check.
 */
export function backoffDelay(
  failures: number,
  intervalMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  if (failures <= 1) return intervalMs;
  const ceiling = Math.min(maxMs, intervalMs * 2 ** Math.min(failures - 1, 30));
  const floor = Math.max(intervalMs, ceiling / 2);
  return Math.round(floor + (ceiling - floor) * random());
}
