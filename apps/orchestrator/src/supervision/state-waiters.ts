import { SwitchyardError, type LifecycleState } from '@switchyard/contracts';

interface Waiter {
  isDone(state: LifecycleState): boolean;
  failureOf(state: LifecycleState): Error | undefined;
  resolve(): void;
  reject(error: Error): void;
}

/** Callers waiting for a backend to reach a state, settled as the supervisor moves on. */
export class StateWaiters {
  private readonly waiters = new Set<Waiter>();

  /**
   * Resolves at the first state `isDone` accepts; rejects at the first one `failureOf` returns an
   * error for, or when `signal` aborts (with its reason).
   */
  waitFor(
    isDone: (state: LifecycleState) => boolean,
    failureOf: (state: LifecycleState) => Error | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        reject(SwitchyardError.from(signal?.reason, 'cancelled'));
      };
      const waiter: Waiter = {
        isDone,
        failureOf,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  notify(state: LifecycleState): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.isDone(state)) {
        this.waiters.delete(waiter);
        waiter.resolve();
        continue;
      }
      const failure = waiter.failureOf(state);
      if (failure !== undefined) {
        this.waiters.delete(waiter);
        waiter.reject(failure);
      }
    }
  }
}
