import { QueueFullError, RequestAbortedError } from './sim-errors.js';

interface Waiter {
  grant: () => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/**
 * Slots for one model: at most `maxConcurrency` requests run, up to `queueBound` more wait in
 * arrival order, and the next one is refused at once. A waiter whose client goes away leaves the
 * queue immediately. Also remembers the highest concurrency seen, which is how tests prove that
 * a limit held.
 */
export class ConcurrencyLimiter {
  active = 0;
  maxActive = 0;
  private readonly waiters: Waiter[] = [];

  constructor(
    private readonly model: string,
    private readonly maxConcurrency: number,
    private readonly queueBound: number,
  ) {}

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function once a slot is free. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(new RequestAbortedError('aborted while queued'));
    if (this.active < this.maxConcurrency) return Promise.resolve(this.take());
    if (this.waiters.length >= this.queueBound)
      return Promise.reject(new QueueFullError(this.model));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        signal,
        grant: () => {
          signal.removeEventListener('abort', waiter.onAbort);
          resolve(this.take());
        },
        onAbort: () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(new RequestAbortedError('aborted while queued'));
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Starts a new observation window for maxActive (stats reset). */
  resetMax(): void {
    this.maxActive = this.active;
  }

  private take(): () => void {
    this.active++;
    if (this.active > this.maxActive) this.maxActive = this.active;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiters.shift()?.grant();
    };
  }
}
