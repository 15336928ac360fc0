import { SwitchyardError } from '@switchyard/contracts';

export interface EndpointLimiterOptions {
  /** Requests running against the endpoint at once. */
  maxConcurrency: number;
  /** Requests that may wait for a slot; one more fails at once with `overloaded`. */
  queueSize: number;
  /** How long a request may wait for a slot before it fails with `overloaded`. */
  queueTimeoutMs: number;
}

/** A running request's claim on a slot; release it exactly once when the request ends. */
export interface Slot {
  /** How long the request waited for the slot. */
  readonly waitedMs: number;
  release(): void;
}

interface Waiter {
  resolve: (slot: Slot) => void;
  reject: (error: unknown) => void;
  enqueuedAt: number;
  cleanup: () => void;
}

/**
 * The backpressure of one backend endpoint: at most `maxConcurrency` requests reach the backend,
 * at most `queueSize` wait (first come, first served) for at most `queueTimeoutMs`, and every
 * other request fails at once with a retryable `overloaded`, so the caller can go elsewhere.
 * Nothing waits without a bound and nothing is dropped silently.
 */
export class EndpointLimiter {
  private running = 0;
  private readonly queue: Waiter[] = [];
  private highWater = 0;
  /** Set by `close()`: what a request that would have to wait fails with. */
  private closedWith: Error | undefined;

  constructor(private readonly options: EndpointLimiterOptions) {
    if (options.maxConcurrency < 1) throw new RangeError('maxConcurrency must be at least 1');
  }

  get active(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** The most requests that ever ran at once. */
  get peakConcurrency(): number {
    return this.highWater;
  }

  /** Whether a request would get a slot without waiting. */
  get hasFreeSlot(): boolean {
    return this.running < this.options.maxConcurrency;
  }

  /**
   * Waits for a slot. Rejects with `overloaded` when the queue is full or the wait outlasts the
   * queue timeout, and with the signal's reason (or `cancelled`) when the caller gives up.
   */
  acquire(signal?: AbortSignal): Promise<Slot> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.running < this.options.maxConcurrency) return Promise.resolve(this.grant(Date.now()));
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    if (this.queue.length >= this.options.queueSize) {
      return Promise.reject(
        new SwitchyardError(
          'overloaded',
          `all ${this.options.maxConcurrency} slots and ${this.options.queueSize} queue places are taken`,
          {
            details: {
              max_concurrency: this.options.maxConcurrency,
              queue_size: this.options.queueSize,
            },
          },
        ),
      );
    }
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, enqueuedAt: Date.now(), cleanup: () => undefined };
      const timer = setTimeout(() => {
        this.remove(waiter);
        reject(
          new SwitchyardError(
            'overloaded',
            `no slot became free within ${this.options.queueTimeoutMs} ms`,
            {
              details: { queue_timeout_ms: this.options.queueTimeoutMs },
            },
          ),
        );
      }, this.options.queueTimeoutMs);
      const onAbort = (): void => {
        this.remove(waiter);
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiter.cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.queue.push(waiter);
    });
  }

  /**
   * Queues no more: every request waiting for a slot fails now with `error`, and so does every
   * later one that finds no free slot. Requests holding a slot keep it. A worker that shuts down
   * calls this, so that what waits in its queue goes to another replica at once rather than
   * reach the backend late in the grace period and be cut off part-way.
   */
  close(error: Error): void {
    this.closedWith = error;
    for (const waiter of this.queue.splice(0)) {
      waiter.cleanup();
      waiter.reject(error);
    }
  }

  private grant(enqueuedAt: number): Slot {
    this.running += 1;
    this.highWater = Math.max(this.highWater, this.running);
    let released = false;
    return {
      waitedMs: Date.now() - enqueuedAt,
      release: () => {
        if (released) return;
        released = true;
        this.running -= 1;
        this.next();
      },
    };
  }

  private next(): void {
    const waiter = this.queue.shift();
    if (waiter === undefined) return;
    waiter.cleanup();
    waiter.resolve(this.grant(waiter.enqueuedAt));
  }

  private remove(waiter: Waiter): void {
    waiter.cleanup();
    const index = this.queue.indexOf(waiter);
    if (index >= 0) this.queue.splice(index, 1);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason instanceof Error
    ? signal.reason
    : new SwitchyardError('cancelled', 'the request was cancelled');
}
