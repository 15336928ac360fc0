/**
 * The NATS header that carries the id a request has at the HTTP edge (the gateway's
 * `x-request-id`) to the worker, which puts it into every log line about the request. It is the
 * same name as the HTTP header, so one id can be followed from the client's logs to the worker's.
 * Its value is 1 to 128 letters, digits, `_` or `-` (`SUBJECT_SAFE_ID`); a worker ignores any other. Optional: a caller
 * without one is logged under the request's `id`.
 */
export const REQUEST_ID_HEADER = 'x-request-id';
