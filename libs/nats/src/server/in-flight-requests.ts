/** The requests a server is working on, each by its abort controller, and a way to await none. */
export class InFlightRequests {
  private readonly controllers = new Set<AbortController>();
  private readonly idleWaiters = new Set<() => void>();

  get size(): number {
    return this.controllers.size;
  }

  add(controller: AbortController): void {
    this.controllers.add(controller);
  }

  delete(controller: AbortController): void {
    this.controllers.delete(controller);
    if (this.controllers.size === 0) for (const wake of this.idleWaiters) wake();
  }

  abortAll(reason: Error): void {
    for (const controller of this.controllers) controller.abort(reason);
  }

  /** Resolves true once nothing is in flight, or false when `ms` pass first. */
  async waitIdle(ms: number): Promise<boolean> {
    if (this.controllers.size === 0) return true;
    let wake: () => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => {
      wake = () => resolve(true);
      timer = setTimeout(() => resolve(false), ms);
    });
    this.idleWaiters.add(wake);
    try {
      return await idle;
    } finally {
      this.idleWaiters.delete(wake);
      clearTimeout(timer);
    }
  }
}
