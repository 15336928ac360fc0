import type { BackendKind } from '@switchyard/contracts';
import { checkHealth, type HealthResult } from './health-check.js';

export interface HealthWatchOptions {
  kind: BackendKind;
  url: string;
  intervalMs: number;
  /** Failed checks in a row before `onChange` reports the backend unhealthy. */
  unhealthyAfter: number;
  /** Called when the verdict changes: `up`, `down` (failing), or `gone` (connection refused). */
  onChange(verdict: HealthVerdict, result: HealthResult): void;
}

export type HealthVerdict = 'up' | 'down' | 'gone';

/**
 * Checks a backend's health endpoint every `intervalMs` and reports when the verdict changes.
 * One refused connection means nothing listens (`gone`); other failures must repeat
 * `unhealthyAfter` times before they count (`down`), so one slow answer does not flap the state.
 */
export class HealthWatch {
  private timer: NodeJS.Timeout | undefined;
  private verdict: HealthVerdict | undefined;
  private failures = 0;
  private running = false;

  constructor(private readonly options: HealthWatchOptions) {}

  start(initial?: HealthVerdict): void {
    if (this.running) return;
    this.running = true;
    this.verdict = initial;
    this.failures = 0;
    this.schedule(initial === undefined ? 0 : this.options.intervalMs);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.check(), delayMs);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    const result = await checkHealth(this.options.kind, this.options.url);
    if (!this.running) return;
    let verdict: HealthVerdict | undefined;
    if (result.ok) {
      this.failures = 0;
      verdict = 'up';
    } else {
      this.failures += 1;
      if (result.refused) verdict = 'gone';
      else if (this.failures >= this.options.unhealthyAfter || this.verdict === undefined) {
        verdict = 'down';
      }
    }
    if (verdict !== undefined && verdict !== this.verdict) {
      this.verdict = verdict;
      this.options.onChange(verdict, result);
    }
    this.schedule(this.options.intervalMs);
  }
}
