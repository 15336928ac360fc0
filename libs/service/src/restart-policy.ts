import type { OrchestratorConfig } from '@switchyard/contracts';

/** Restart settings: the configuration's `orchestrator.restart`. */
export type RestartSettings = OrchestratorConfig['restart'];

export type RestartDecision = { restart: true; delayMs: number } | { restart: false };

/**
 * When to restart a crashed process (a managed backend in the orchestrator, a service under
 * `switchyard up`): exponential backoff with jitter between restarts, and no restart at all once
 * it crashed more than `max_restarts` times within `window_ms` — a program that cannot stay up
 * should not be restarted forever. `reset()` forgets the history, for a start a person asks for.
 */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    readonly settings: RestartSettings,
    private readonly random: () => number = Math.random,
  ) {}

  /** Restarts within the current window. */
  get recentCrashes(): number {
    return this.crashes.length;
  }

  onCrash(now = Date.now()): RestartDecision {
    this.crashes = this.crashes.filter((at) => now - at < this.settings.window_ms);
    this.crashes.push(now);
    if (this.crashes.length > this.settings.max_restarts) return { restart: false };
    const exponential = this.settings.initial_backoff_ms * 2 ** (this.crashes.length - 1);
    const capped = Math.min(exponential, this.settings.max_backoff_ms);
    // Jitter of ±20% keeps processes that crashed together from restarting in lockstep.
    return { restart: true, delayMs: Math.round(capped * (0.8 + 0.4 * this.random())) };
  }

  reset(): void {
    this.crashes = [];
  }
}
