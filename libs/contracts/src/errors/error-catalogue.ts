/**
 * The error catalogue: every failure that crosses a Switchyard boundary has one of these codes.
 * A code fixes whether trying again (the same request, here or elsewhere) can succeed, and the
 * HTTP status the gateway answers with. Backend-specific error shapes are translated into a code
 * at the worker; clients see only these.
 */
export const ERROR_CATALOGUE = {
  bad_request: {
    retryable: false,
    httpStatus: 400,
    summary: 'the request is malformed or invalid',
  },
  unauthorized: { retryable: false, httpStatus: 401, summary: 'missing or invalid credentials' },
  forbidden: { retryable: false, httpStatus: 403, summary: 'the credentials do not allow this' },
  model_not_found: { retryable: false, httpStatus: 404, summary: 'no backend knows this model' },
  not_found: { retryable: false, httpStatus: 404, summary: 'the resource does not exist' },
  payload_too_large: {
    retryable: false,
    httpStatus: 413,
    summary: 'the request, or its answer, is too large for one message',
  },
  context_length_exceeded: {
    retryable: false,
    httpStatus: 400,
    summary: "the prompt does not fit the model's context window",
  },
  unsupported: {
    retryable: false,
    httpStatus: 400,
    summary: 'the backend cannot do what the request asks',
  },
  rate_limited: { retryable: true, httpStatus: 429, summary: 'too many requests or tokens' },
  cancelled: { retryable: false, httpStatus: 499, summary: 'the caller cancelled the request' },
  overloaded: {
    retryable: true,
    httpStatus: 503,
    summary:
      'every slot and queue place is taken, or the service is shutting down; try again or elsewhere',
  },
  no_responders: {
    retryable: true,
    httpStatus: 503,
    summary: 'no worker is subscribed to the request subject',
  },
  backend_unavailable: {
    retryable: true,
    httpStatus: 503,
    summary: "the backend refused the connection, is not running, or refused the worker's key",
  },
  backend_error: {
    retryable: true,
    httpStatus: 502,
    summary: 'the backend failed while answering',
  },
  stream_interrupted: {
    retryable: true,
    httpStatus: 502,
    summary: 'the reply stream broke off: a frame was lost or the responder went away',
  },
  nats_unavailable: {
    retryable: true,
    httpStatus: 503,
    summary: 'the connection to the NATS server is lost, or the server does not answer',
  },
  port_in_use: {
    retryable: false,
    httpStatus: 409,
    summary: 'the port a managed backend listens on is taken by another process',
  },
  start_failed: {
    retryable: false,
    httpStatus: 503,
    summary: "a managed backend's program could not run, exited, or did not become ready in time",
  },
  pull_refused: {
    retryable: false,
    httpStatus: 403,
    summary: 'model pulls are off: the orchestrator runs airgapped',
  },
  timeout: {
    retryable: true,
    httpStatus: 504,
    summary: "a deadline passed: the request's own, or a backend's to answer or get ready",
  },
  internal: { retryable: false, httpStatus: 500, summary: 'a bug in Switchyard' },
} as const satisfies Record<string, ErrorCodeInfo>;

export interface ErrorCodeInfo {
  /** Whether trying the same request again, here or elsewhere, can succeed. */
  readonly retryable: boolean;
  /** The status the HTTP gateway answers with. */
  readonly httpStatus: number;
  /** One line on what the code means, for docs and logs. */
  readonly summary: string;
}

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]];
