export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  threshold: number;
  /** How long it stays open before one trial request is let through. */
  openMs: number;
}

/**
 * Makes a dead endpoint nearly free to watch. After `threshold` failures in a row the breaker
 * opens: no request at all until `openMs` has passed, then a single cheap trial (half-open). A
 * successful trial closes it; a failed one opens it again for another `openMs`.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.openMs ? 'half-open' : 'open';
  }

  /** Whether a request may be made now. */
  allows(): boolean {
    return this.state !== 'open';
  }

  /** Milliseconds until the breaker lets a trial through (0 when it allows one now). */
  remainingMs(): number {
    if (this.openedAt === undefined) return 0;
    return Math.max(0, this.openedAt + this.options.openMs - this.now());
  }

  recordSuccess(): void {
    this.reset();
  }

  /** Closes the breaker with no failure counted, as if the endpoint had never failed. */
  reset(): void {
    this.failures = 0;
    this.openedAt = undefined;
  }

  recordFailure(): void {
    this.failures++;
    if (this.openedAt !== undefined || this.failures >= this.options.threshold) {
      this.openedAt = this.now();
    }
  }
}
