import { isRecord, SwitchyardError, type ErrorCode } from '@switchyard/contracts';

/**
 * What a backend said when it failed, kept as the `cause` of the catalogued error so logs (and the
 * wire, which carries causes) show the backend's own words next to the status.
 */
export class BackendResponseError extends Error {
  override readonly name = 'BackendResponseError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`backend answered ${status}: ${message}`);
  }
}

/** A failed answer as every kind's error translator sees it. */
export interface BackendErrorResponse {
  /** The HTTP status; 200 for an error inside a successful body or in the middle of a stream. */
  readonly status: number;
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  readonly body: unknown;
  /** The body as text, cut to a bounded length. */
  readonly text: string;
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
}

/** Turns a backend's failed answer into a catalogued error; one per backend kind. */
export type BackendErrorTranslator = (response: BackendErrorResponse) => SwitchyardError;

/** The catalogue code an HTTP status means when the body says nothing more specific. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 408:
      return 'timeout';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'rate_limited';
    // Ollama answers 499 when the client went away while waiting for a runner: that was us.
    case 499:
      return 'cancelled';
    case 503:
      return 'overloaded';
    default:
      return status >= 400 && status < 500 ? 'bad_request' : 'backend_error';
  }
}

/**
 * The backend's message, wherever its shape keeps it: OpenAI's `{"error":{"message"}}`, vLLM's
 * older flat `{"message"}`, the plain `{"error":"…"}` of Ollama, LM Studio routing errors and
 * vLLM auth, or else the raw text.
 */
export function backendMessageOf(response: BackendErrorResponse): string {
  const body = response.body;
  if (isRecord(body)) {
    const error = body['error'];
    if (isRecord(error) && typeof error['message'] === 'string') return error['message'];
    if (typeof error === 'string') return error;
    if (typeof body['message'] === 'string') return body['message'];
    if (typeof body['detail'] === 'string') return body['detail'];
  }
  const text = response.text.trim();
  return text.length > 0 ? text.slice(0, 2_000) : `HTTP ${response.status}`;
}

/**
 * A catalogued error carrying the backend's status and message in `details` and a
 * `BackendResponseError` as its cause. `Retry-After` becomes `details.retry_after_ms`.
 */
export function backendError(
  code: ErrorCode,
  response: BackendErrorResponse,
  details: Record<string, unknown> = {},
): SwitchyardError {
  const message = backendMessageOf(response);
  const retryAfterMs = retryAfterMsOf(response.headers?.['retry-after']);
  return new SwitchyardError(code, message, {
    details: {
      backend_status: response.status,
      backend_message: message,
      ...(retryAfterMs === undefined ? {} : { retry_after_ms: retryAfterMs }),
      ...details,
    },
    cause: new BackendResponseError(response.status, message),
  });
}

/**
 * A backend that answers 401 or 403 to a worker refused the worker, not the client: the key in
 * the worker's `backends[].api_key` is missing or wrong. Passing `unauthorized` on would tell the
 * client its own key is bad; this is a misconfigured backend, which another backend may stand in
 * for, so it is a retryable `backend_unavailable` whose message says what to fix.
 */
export function credentialsRefused(
  response: BackendErrorResponse,
  details: Record<string, unknown> = {},
): SwitchyardError {
  const refused = backendError('backend_unavailable', response, details);
  return new SwitchyardError(
    'backend_unavailable',
    `the backend refused the worker's credentials (HTTP ${response.status}: ${refused.message}); ` +
      'check backends[].api_key',
    { details: refused.details, cause: refused.cause },
  );
}

/** Whether a backend's status says it refused the worker's credentials. */
export function isCredentialsRefusal(status: number): boolean {
  return status === 401 || status === 403;
}

/** The fallback translator: the status decides, refined only by context-length wording. */
export const translateHttpStatusError: BackendErrorTranslator = (response) => {
  if (response.status < 500 && isContextLengthMessage(backendMessageOf(response))) {
    return backendError('context_length_exceeded', response);
  }
  return backendError(codeForStatus(response.status), response);
};

// Ollama: "the input length exceeds the context length"; vLLM: "This model's maximum context
// length is 4096 tokens"; LM Studio / llama.cpp: "… loaded with context length of only 4096
// tokens", "context size exceeded", "exceeds the available context size".
const CONTEXT_LENGTH_WORDING =
  /maximum context length|exceeds? the (available )?context|context (length|size|window) (of only|(is )?exceeded)|too many tokens|prompt is too long/i;

/** Whether a backend message says the prompt does not fit the model's context window. */
export function isContextLengthMessage(message: string): boolean {
  return CONTEXT_LENGTH_WORDING.test(message);
}

// Nothing reached the backend: it is not listening, not resolvable or not reachable.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * A failure below HTTP as a catalogued error:
 * - the caller's `signal` aborted → see {@link abortError};
 * - refused, unresolvable, unreachable, connect timeout → `backend_unavailable`;
 * - no response headers within the headers timeout → `timeout`;
 * - reset, socket closed mid-body, body idle timeout, malformed HTTP → `backend_error`.
 * All but `cancelled` are retryable.
 */
export function networkError(error: unknown, signal?: AbortSignal): SwitchyardError {
  if (signal?.aborted) return abortError(signal);
  if (error instanceof SwitchyardError) return error;
  const code = errorCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) {
    return new SwitchyardError('backend_unavailable', `backend unreachable: ${message}`, {
      details: { network_code: code },
      cause: error,
    });
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new SwitchyardError('timeout', 'the backend sent no response headers in time', {
      details: { network_code: code },
      cause: error,
    });
  }
  return new SwitchyardError('backend_error', `backend connection failed: ${message}`, {
    details: code === undefined ? {} : { network_code: code },
    cause: error,
  });
}

/**
 * The error for a request whose signal aborted: its reason when that is already catalogued (the
 * runtime's choice), `timeout` for `AbortSignal.timeout`, otherwise `cancelled`.
 */
export function abortError(signal: AbortSignal): SwitchyardError {
  const reason: unknown = signal.reason;
  if (reason instanceof SwitchyardError) return reason;
  // A DOMException, which need not be an `Error` of this realm: checked by name.
  if (isRecord(reason) && reason['name'] === 'TimeoutError') {
    return new SwitchyardError('timeout', 'the request deadline passed', { cause: reason });
  }
  return new SwitchyardError('cancelled', 'the request was cancelled', { cause: reason });
}

/** The system or undici error code, looking into the `AggregateError` of dual-stack connects. */
function errorCodeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; isRecord(current) && depth < 4; depth++) {
    if (typeof current['code'] === 'string') return current['code'];
    const inner = current['errors'];
    if (Array.isArray(inner) && inner.length > 0) {
      current = inner[0];
      continue;
    }
    current = current['cause'];
  }
  return undefined;
}

function retryAfterMsOf(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
