import { SwitchyardError } from '@switchyard/contracts';

/** What `$SRV.STATS` reports for one served subject, in the endpoint's `data`. */
export interface SubjectStatsData {
  requests: number;
  errors: number;
  in_flight: number;
  /** Mean time from receiving a request to its terminal frame, over finished requests. */
  average_latency_ms: number;
  errors_by_code: Record<string, number>;
  last_error?: string;
}

class SubjectStats {
  requests = 0;
  errors = 0;
  inFlight = 0;
  finished = 0;
  latencyTotalMs = 0;
  errorsByCode: Record<string, number> = {};
  lastError: string | undefined;

  data(): SubjectStatsData {
    const data: SubjectStatsData = {
      requests: this.requests,
      errors: this.errors,
      in_flight: this.inFlight,
      average_latency_ms:
        this.finished === 0 ? 0 : Math.round((this.latencyTotalMs / this.finished) * 100) / 100,
      errors_by_code: { ...this.errorsByCode },
    };
    if (this.lastError !== undefined) data.last_error = this.lastError;
    return data;
  }
}

/**
 * Request, error and latency counts per served subject, kept across subscription changes so a
 * model that comes and goes keeps its history.
 */
export class InferenceStats {
  private readonly bySubject = new Map<string, SubjectStats>();

  /** Wraps a handler so every call is counted under `subject`. */
  track<A extends unknown[], R>(
    subject: string,
    handler: (...args: A) => Promise<R>,
  ): (...args: A) => Promise<R> {
    return async (...args: A) => {
      const stats = this.statsOf(subject);
      const started = performance.now();
      stats.requests += 1;
      stats.inFlight += 1;
      try {
        return await handler(...args);
      } catch (error) {
        const failure = SwitchyardError.from(error);
        stats.errors += 1;
        stats.errorsByCode[failure.code] = (stats.errorsByCode[failure.code] ?? 0) + 1;
        stats.lastError = `${failure.code}: ${failure.message}`;
        throw error;
      } finally {
        stats.inFlight -= 1;
        stats.finished += 1;
        stats.latencyTotalMs += performance.now() - started;
      }
    };
  }

  data(subject: string): SubjectStatsData {
    return this.statsOf(subject).data();
  }

  private statsOf(subject: string): SubjectStats {
    let stats = this.bySubject.get(subject);
    if (stats === undefined) {
      stats = new SubjectStats();
      this.bySubject.set(subject, stats);
    }
    return stats;
  }
}
