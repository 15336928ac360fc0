import { RequestAbortedError } from './sim-errors.js';

/**
 * Waits `ms`, or rejects with RequestAbortedError as soon as `signal` aborts; the timer is
 * cleared either way, so an abandoned request leaves nothing behind.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new RequestAbortedError('aborted'));
  // No timer for no delay: the hot path of a benchmark run (--tokens-per-second 0).
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RequestAbortedError('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Unix seconds, as OpenAI's `created`. */
export function unixSeconds(ms = Date.now()): number {
  return Math.floor(ms / 1000);
}

const START_MS = Date.now();
const START_NS = process.hrtime.bigint();

/**
 * An RFC 3339 UTC timestamp with nanoseconds and Go's trimming of trailing zeros, as Go's
 * time.Time marshals (`2025-03-01T10:00:00.5Z`, `2025-03-01T10:00:00Z`).
 */
export function rfc3339Nano(ms?: number): string {
  let fraction: string;
  let iso: string;
  if (ms === undefined) {
    const elapsed = process.hrtime.bigint() - START_NS;
    const totalNs = BigInt(START_MS) * 1_000_000n + elapsed;
    iso = new Date(Number(totalNs / 1_000_000n)).toISOString();
    fraction = String(totalNs % 1_000_000_000n).padStart(9, '0');
  } else {
    iso = new Date(ms).toISOString();
    fraction = iso.slice(20, 23) + '000000';
  }
  fraction = fraction.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

const GO_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses an Ollama keep_alive: a Go duration string (`"5m"`, `"1h30m"`, `"-1m"`) or a number of
 * seconds. Returns milliseconds (negative = forever), or undefined when the value is invalid.
 */
export function parseKeepAlive(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const match = /^([+-]?)((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(text);
  if (!match) return undefined;
  let total = 0;
  for (const part of (match[2] as string).matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (GO_UNITS[part[2] as string] as number);
  }
  return match[1] === '-' ? -total : total;
}
