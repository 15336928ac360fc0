import type { ModelActivity } from '../fleet/worker-catalogue.js';

interface BackendUsage {
  lastUsedAt: number;
  inFlight: number;
  /** Total requests seen on its models at the last observation. */
  requests: number;
}

/**
 * When each backend was last used and whether requests to it are in flight, from the workers'
 * per-subject counters. Workers count per model, not per backend, so a model's activity counts
 * for every backend that serves it: a backend may stay up longer than its TTL, never shorter.
 */
export class UsageLedger {
  private readonly byBackend = new Map<string, BackendUsage>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts as a use now: a start, an ensure. */
  touch(backendId: string): void {
    this.entry(backendId).lastUsedAt = this.now();
  }

  /** Takes in the workers' counters for the request subjects of one backend's models. */
  observe(
    backendId: string,
    subjects: readonly string[],
    activity: ReadonlyMap<string, ModelActivity>,
  ): void {
    let inFlight = 0;
    let requests = 0;
    for (const subject of new Set(subjects)) {
      inFlight += activity.get(subject)?.inFlight ?? 0;
      requests += activity.get(subject)?.requests ?? 0;
    }
    const entry = this.entry(backendId);
    // Requests running now, new ones since the last look, or the last ones ended since then:
    // each means "in use until at least now", so the TTL counts from after the last request.
    if (inFlight > 0 || entry.inFlight > 0 || requests !== entry.requests) {
      entry.lastUsedAt = this.now();
    }
    entry.inFlight = inFlight;
    entry.requests = requests;
  }

  /** Unused for `ttlMs` and nothing in flight. */
  isIdle(backendId: string, ttlMs: number): boolean {
    const entry = this.entry(backendId);
    return entry.inFlight === 0 && this.now() - entry.lastUsedAt >= ttlMs;
  }

  lastUsedAt(backendId: string): number {
    return this.entry(backendId).lastUsedAt;
  }

  private entry(backendId: string): BackendUsage {
    let entry = this.byBackend.get(backendId);
    if (entry === undefined) {
      entry = { lastUsedAt: this.now(), inFlight: 0, requests: 0 };
      this.byBackend.set(backendId, entry);
    }
    return entry;
  }
}
