import { mulberry32, fnv1a } from './hashing.js';
import { SimOptionsError } from './sim-errors.js';

/**
 * Faults switched on at run time (`POST /_sim/faults`, `setFaults()`). They apply to inference
 * requests (generate, chat, completions, embeddings); management routes stay healthy so a test
 * can always inspect and reset the simulator.
 */
export interface SimFaults {
  /** Fraction (0..1) of requests answered with `errorStatus` before any output. */
  errorRate: number;
  /** The status of those answers: 500 or 503 (each kind shapes the body its own way). */
  errorStatus: 500 | 503;
  /** Delay before the first token (and before the response headers); -1 hangs until the client leaves. */
  hangMs: number;
  /** Destroy the connection after this many tokens (streams; plain answers: before the body). */
  dropAfterTokens: number | null;
  /** End the stream with the kind's in-band error after this many tokens. */
  errorAfterTokens: number | null;
  /** Send one malformed chunk after this many tokens, then carry on. */
  malformedAfterTokens: number | null;
  /** Milliseconds per token, overriding --tokens-per-second (slow tokens). */
  tokenDelayMs: number | null;
}

export const NO_FAULTS: Readonly<SimFaults> = Object.freeze({
  errorRate: 0,
  errorStatus: 500,
  hangMs: 0,
  dropAfterTokens: null,
  errorAfterTokens: null,
  malformedAfterTokens: null,
  tokenDelayMs: null,
});

const COUNT_FIELDS = ['dropAfterTokens', 'errorAfterTokens', 'malformedAfterTokens'] as const;

/** Checks a partial update (from JSON) and merges it into `current`; throws SimOptionsError. */
export function mergeFaults(current: SimFaults, update: unknown): SimFaults {
  if (typeof update !== 'object' || update === null || Array.isArray(update)) {
    throw new SimOptionsError('faults must be a JSON object');
  }
  const next: SimFaults = { ...current };
  for (const [key, value] of Object.entries(update)) {
    switch (key) {
      case 'errorRate':
        if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
          throw new SimOptionsError('errorRate must be a number from 0 to 1');
        }
        next.errorRate = value;
        break;
      case 'errorStatus':
        if (value !== 500 && value !== 503)
          throw new SimOptionsError('errorStatus must be 500 or 503');
        next.errorStatus = value;
        break;
      case 'hangMs':
        if (typeof value !== 'number' || !(value >= 0 || value === -1)) {
          throw new SimOptionsError('hangMs must be -1 (forever) or a number of 0 or more');
        }
        next.hangMs = value;
        break;
      case 'tokenDelayMs':
        if (value !== null && (typeof value !== 'number' || !(value >= 0))) {
          throw new SimOptionsError('tokenDelayMs must be null or a number of 0 or more');
        }
        next.tokenDelayMs = value;
        break;
      default:
        if (!(COUNT_FIELDS as readonly string[]).includes(key)) {
          throw new SimOptionsError(`unknown fault "${key}"`);
        }
        if (value !== null && !(Number.isInteger(value) && (value as number) >= 0)) {
          throw new SimOptionsError(`${key} must be null or an integer of 0 or more`);
        }
        next[key as (typeof COUNT_FIELDS)[number]] = value as number | null;
    }
  }
  return next;
}

/** Holds the current faults and draws the error-rate decisions from the simulator's seed. */
export class FaultState {
  current: SimFaults;
  private readonly random: () => number;

  constructor(seed: number, failRate: number) {
    this.current = { ...NO_FAULTS, errorRate: failRate };
    this.random = mulberry32(fnv1a(`${seed}\u0000faults`));
  }

  set(update: unknown): SimFaults {
    this.current = mergeFaults(this.current, update);
    return this.current;
  }

  clear(): SimFaults {
    this.current = { ...NO_FAULTS };
    return this.current;
  }

  /** Whether this request fails up front (drawn once per inference request). */
  shouldFail(): boolean {
    const rate = this.current.errorRate;
    return rate >= 1 || (rate > 0 && this.random() < rate);
  }
}
