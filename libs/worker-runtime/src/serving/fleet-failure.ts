import { ERROR_CATALOGUE, SwitchyardError } from '@switchyard/contracts';

/**
 * A failure the fleet, not the caller, is answerable for: a code the gateway answers with a 5xx
 * (the backend failed or went away, a deadline, no slot). The operator's business, logged as a
 * warning; what the caller caused or chose (a cancel, a bad request, a model nobody has) is not.
 * A bug (`internal`, or an error that is no SwitchyardError) the stream server logs as an error.
 */
export function isFleetFailure(error: unknown): boolean {
  if (!(error instanceof SwitchyardError) || error.code === 'internal') return false;
  return ERROR_CATALOGUE[error.code].httpStatus >= 500;
}
