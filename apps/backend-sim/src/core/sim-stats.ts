/** Counters of one model (or of all models together). */
export interface ModelStats {
  /** Inference requests accepted for this model (after validation). */
  received: number;
  /** Requests holding a slot right now (loading or generating). */
  active: number;
  /** Requests waiting in the queue right now. */
  waiting: number;
  /** Requests answered to the end. */
  completed: number;
  /** Requests whose client closed the connection before the end (also while queued). */
  aborted: number;
  /** Requests that ended with an error (simulated faults, loads that failed, dropped streams). */
  failed: number;
  /** Requests refused because the queue was full. */
  rejected: number;
  /** The highest number of requests that held a slot at once. */
  maxActive: number;
  promptTokens: number;
  completionTokens: number;
}

export interface SimStats extends ModelStats {
  /** Every HTTP request the simulator received, whatever its path. */
  http: number;
  models: Record<string, ModelStats>;
}

export type Outcome = 'completed' | 'aborted' | 'failed';

type Counter = Exclude<keyof ModelStats, 'active' | 'waiting' | 'maxActive'>;

const emptyCounters = (): Record<Counter, number> => ({
  received: 0,
  completed: 0,
  aborted: 0,
  failed: 0,
  rejected: 0,
  promptTokens: 0,
  completionTokens: 0,
});

/** Live gauges come from the limiters; the recorder keeps only counters. */
export interface GaugeSource {
  gauges(model: string): { active: number; waiting: number; maxActive: number };
  models(): string[];
  /** The highest number of requests that held a slot at once, over all models. */
  maxActiveOverall(): number;
}

export class StatsRecorder {
  http = 0;
  private readonly counters = new Map<string, Record<Counter, number>>();

  add(model: string, counter: Counter, amount = 1): void {
    let counters = this.counters.get(model);
    if (!counters) this.counters.set(model, (counters = emptyCounters()));
    counters[counter] += amount;
  }

  reset(): void {
    this.http = 0;
    this.counters.clear();
  }

  snapshot(gauges: GaugeSource): SimStats {
    const names = new Set([...this.counters.keys(), ...gauges.models()]);
    const models: Record<string, ModelStats> = {};
    const total: ModelStats = { ...emptyCounters(), active: 0, waiting: 0, maxActive: 0 };
    for (const name of [...names].sort()) {
      const stats: ModelStats = {
        ...(this.counters.get(name) ?? emptyCounters()),
        ...gauges.gauges(name),
      };
      models[name] = stats;
      for (const key of Object.keys(total) as (keyof ModelStats)[]) total[key] += stats[key];
    }
    total.maxActive = gauges.maxActiveOverall();
    return { http: this.http, ...total, models };
  }
}
