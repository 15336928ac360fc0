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
 * How many subjects' counts are kept. Those of the subjects unserved longest go first: a worker
 * that sees models come and go for months (a copy asked once and deleted, pulls, deletes) would
 * otherwise keep an entry for every model it ever served.
 */
export const MAX_KEPT_SUBJECTS = 1_024;

/**
 * Request, error and latency counts per served subject, kept across subscription changes so a
 * model that comes and goes keeps its history, within {@link MAX_KEPT_SUBJECTS}.
 */
export class InferenceStats {
  /** In the order the subjects were last registered (`track`): the longest unserved first. */
  private readonly bySubject = new Map<string, SubjectStats>();

  /**
   * Wraps a handler so every call is counted under `subject`. Called whenever the worker
   * registers the subject, which makes it the most recently served.
   */
  track<A extends unknown[], R>(
    subject: string,
    handler: (...args: A) => Promise<R>,
  ): (...args: A) => Promise<R> {
    this.markServed(subject);
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

  private markServed(subject: string): void {
    const stats = this.statsOf(subject);
    this.bySubject.delete(subject);
    this.bySubject.set(subject, stats);
    for (const [oldest, kept] of this.bySubject) {
      if (this.bySubject.size <= MAX_KEPT_SUBJECTS) break;
      if (kept.inFlight === 0) this.bySubject.delete(oldest);
    }
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
