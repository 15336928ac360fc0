import { SwitchyardError } from '@switchyard/contracts';

const CALLER_CANCELLED = 'the caller cancelled the request';

/**
 * The error a request ends with when its caller cancels it, with the caller's reason. A reason
 * that already says so is taken as it is: a service that forwards a request (the orchestrator a
 * pull) passes its own cancellation on as the reason, and each hop would otherwise say it again.
 */
export function callerCancelled(reason?: string, cause?: unknown): SwitchyardError {
  const message =
    reason === undefined || reason === CALLER_CANCELLED
      ? CALLER_CANCELLED
      : reason.startsWith(`${CALLER_CANCELLED}: `)
        ? reason
        : `${CALLER_CANCELLED}: ${reason}`;
  return new SwitchyardError('cancelled', message, cause === undefined ? undefined : { cause });
}
