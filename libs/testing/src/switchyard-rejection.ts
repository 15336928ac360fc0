import { SwitchyardError } from '@switchyard/contracts';

/**
 * The SwitchyardError a promise rejects with. Any other error is thrown on and a promise that
 * resolves throws, so a test that awaits this has also checked that the promise failed, and
 * failed as Switchyard's own error.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<SwitchyardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SwitchyardError) return error;
    throw error;
  }
  throw new Error('expected a rejection with a SwitchyardError, but the promise resolved');
}
