/** A signal for one operation, and how to let go of what it is tied to once the operation ends. */
export interface DeadlineSignal {
  readonly signal: AbortSignal;
  /** Whether the signal aborted because the time ran out (not because `parent` aborted). */
  readonly timedOut: boolean;
  /** Detaches the signal from `parent` and clears its timer; call it when the operation ends. */
  release(): void;
}

/**
 * A signal that aborts after `timeoutMs`, with the `TimeoutError` that `AbortSignal.timeout` gives,
 * or as soon as `parent` aborts, with the parent's reason: what
 * `AbortSignal.any([parent, AbortSignal.timeout(timeoutMs)])` does, without its leak. Node (20 and
 * 22 at least) keeps each signal `AbortSignal.any` made from a parent for as long as the parent
 * lives and has not aborted, so a long-lived parent (a service's stop signal) combined anew for
 * every periodic probe or listing grows the heap by about 2 kB a call, forever. Here the link is
 * a listener that `release()` removes.
 */
export function deadlineSignal(timeoutMs: number, parent?: AbortSignal): DeadlineSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onParentAbort = (): void => controller.abort(parent?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  // As `AbortSignal.timeout`'s: a deadline never keeps a process alive by itself.
  timer.unref();
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    release() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
