import { REQUEST_ID_HEADER, SUBJECT_SAFE_ID, SwitchyardError } from '@switchyard/contracts';

// The fields every streamed request carries, read from whatever schema validated it.

/** The request's `id`, which also goes into its cancel subject. */
export function idOf(request: unknown): string {
  const id = (request as { id?: unknown }).id;
  if (typeof id !== 'string' || !SUBJECT_SAFE_ID.test(id)) {
    throw new SwitchyardError('bad_request', 'the request has no valid id');
  }
  return id;
}

/** The request's own deadline (`timeout_ms`), if it has one. */
export function timeoutOf(request: unknown): number | undefined {
  const timeout = (request as { timeout_ms?: unknown }).timeout_ms;
  return typeof timeout === 'number' && timeout > 0 ? timeout : undefined;
}

/**
 * The fields every log line about a request carries: the caller's own id for it (the
 * `REQUEST_ID_HEADER`, e.g. the gateway's HTTP request id) as `request_id`, with the protocol id as
 * `nats_request_id` when they differ. A header that is not a safe id is ignored, so a caller
 * cannot forge log fields or flood lines with it.
 */
export function logFieldsOf(
  requestId: string,
  headers: { get(name: string): string } | undefined,
): { request_id: string; nats_request_id?: string } {
  let given: string | undefined;
  try {
    given = headers?.get(REQUEST_ID_HEADER);
  } catch {
    given = undefined;
  }
  if (given === undefined || given === requestId || !SUBJECT_SAFE_ID.test(given)) {
    return { request_id: requestId };
  }
  return { request_id: given, nats_request_id: requestId };
}
