import { isServingState, type HealthState } from '@switchyard/contracts';

/** The outcome of one check of an endpoint. */
export type Observation =
  | { outcome: 'ok'; latencyMs: number }
  /** The expected server answered, but with an error or an unusable body, or too slowly. */
  | { outcome: 'failing'; reason: string; latencyMs?: number }
  /** Nothing answered at all. */
  | { outcome: 'unreachable'; reason: string }
  /** Something answered that is not the expected kind of server. */
  | { outcome: 'unrecognised'; reason: string; latencyMs?: number };

export interface HealthSnapshot {
  state: HealthState;
  consecutiveFailures: number;
  /** The most recent check round-trip times, newest last. */
  latencies: number[];
  /** When a check last succeeded (ms since the epoch). */
  seenAt?: number;
}

export interface HealthTrackerOptions {
  /** An answer slower than this is `degraded`. */
  degradedLatencyMs: number;
  /** Failed checks in a row after which a failing server is `unhealthy` rather than `degraded`. */
  unhealthyAfter?: number;
  /** How many recent answers a failure keeps the state `degraded` for. */
  recoveryWindow?: number;
  /** How many latencies are kept. */
  latencyHistory?: number;
}

/**
 * The health state machine of one endpoint:
 * - answers promptly, no failure among the last few answers → `healthy`;
 * - answers slowly, or failed recently, or fails for fewer than `unhealthyAfter` checks → `degraded`;
 * - keeps failing as the expected server → `unhealthy`;
 * - nothing answers → `offline` at once (a refused connection is unambiguous);
 * - the wrong server answers → `unrecognised`.
 * Coming back from `offline` or `unrecognised` starts a clean slate: a restarted backend is
 * healthy on its first good answer.
 */
export class HealthTracker {
  private snapshotState: HealthSnapshot;
  /** One flag per recent answer from the expected server: did it fail? */
  private recent: boolean[] = [];
  private readonly unhealthyAfter: number;
  private readonly recoveryWindow: number;
  private readonly latencyHistory: number;

  constructor(
    private readonly options: HealthTrackerOptions,
    seed?: HealthSnapshot,
  ) {
    this.unhealthyAfter = options.unhealthyAfter ?? 3;
    this.recoveryWindow = options.recoveryWindow ?? 3;
    this.latencyHistory = options.latencyHistory ?? 10;
    this.snapshotState = seed
      ? { ...seed, latencies: [...seed.latencies] }
      : { state: 'offline', consecutiveFailures: 0, latencies: [] };
  }

  get snapshot(): HealthSnapshot {
    return { ...this.snapshotState, latencies: [...this.snapshotState.latencies] };
  }

  observe(observation: Observation, now: number = Date.now()): HealthSnapshot {
    const current = this.snapshotState;
    const latency = 'latencyMs' in observation ? observation.latencyMs : undefined;
    const latencies =
      latency === undefined
        ? current.latencies
        : [...current.latencies, latency].slice(-this.latencyHistory);
    let next: HealthSnapshot;
    switch (observation.outcome) {
      case 'ok': {
        this.remember(false);
        const slow = observation.latencyMs > this.options.degradedLatencyMs;
        const state = slow || this.recent.includes(true) ? 'degraded' : 'healthy';
        next = { state, consecutiveFailures: 0, latencies, seenAt: now };
        break;
      }
      case 'failing': {
        this.remember(true);
        const failures = current.consecutiveFailures + 1;
        const wasServing = isServingState(current.state);
        const state = wasServing && failures < this.unhealthyAfter ? 'degraded' : 'unhealthy';
        next = { state, consecutiveFailures: failures, latencies, ...seen(current) };
        break;
      }
      case 'unreachable':
      case 'unrecognised':
        this.recent = [];
        next = {
          state: observation.outcome === 'unreachable' ? 'offline' : 'unrecognised',
          consecutiveFailures: current.consecutiveFailures + 1,
          latencies,
          ...seen(current),
        };
        break;
    }
    this.snapshotState = next;
    return this.snapshot;
  }

  private remember(failed: boolean): void {
    this.recent = [...this.recent, failed].slice(-this.recoveryWindow);
  }
}

function seen(snapshot: HealthSnapshot): { seenAt?: number } {
  return snapshot.seenAt === undefined ? {} : { seenAt: snapshot.seenAt };
}
