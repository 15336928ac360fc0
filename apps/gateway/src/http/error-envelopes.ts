import { SwitchyardError, type ErrorCode } from '@switchyard/contracts';

/** An error rendered for HTTP: the status, the body and any extra headers (`Retry-After`). */
export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** OpenAI's `error.type` for each status family, as its SDKs and clients expect them. */
function openAIType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The OpenAI error object (the value of the envelope's `error`, also used mid-stream). */
export function openAIErrorObject(error: SwitchyardError): Record<string, unknown> {
  const param = error.details?.['param'];
  return {
    message: error.message,
    type: openAIType(httpStatusOf(error)),
    param: typeof param === 'string' ? param : null,
    code: error.code,
  };
}

/** `{"error": {message, type, param, code}}` with the catalogue's status. */
export function renderOpenAIError(error: SwitchyardError): RenderedError {
  return {
    status: httpStatusOf(error),
    headers: retryHeaders(error),
    body: { error: openAIErrorObject(error) },
  };
}

/** Anthropic's `error.type` for each status, as its SDKs map them to error classes. */
function anthropicType(error: SwitchyardError, status: number): string {
  if (error.code === 'overloaded') return 'overloaded_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** The Anthropic error object (the value of the envelope's `error`, also used mid-stream). */
export function anthropicErrorObject(error: SwitchyardError): Record<string, unknown> {
  return { type: anthropicType(error, httpStatusOf(error)), message: anthropicMessage(error) };
}

/**
 * Anthropic words a prompt too long for the model `prompt is too long: N tokens > M maximum`,
 * and its clients act on those words: Claude Code compacts the conversation and asks again, by
 * as much as the two numbers say. A backend's overflow is worded so (with the numbers where the
 * worker read them from the backend's message: vLLM's), its own words after.
 */
function anthropicMessage(error: SwitchyardError): string {
  if (error.code !== 'context_length_exceeded') return error.message;
  const prompt = error.details?.['prompt_tokens'];
  const limit = error.details?.['context_length'];
  const numbers =
    typeof prompt === 'number' && typeof limit === 'number'
      ? `: ${prompt} tokens > ${limit} maximum`
      : '';
  return `prompt is too long${numbers} (${error.message})`;
}

/** Anthropic's status for `overloaded_error`, which its clients (Claude Code) wait out and retry. */
const ANTHROPIC_OVERLOADED_STATUS = 529;

/** Anthropic's shape: `{"type": "error", "error": {type, message}, "request_id"}`. */
export function renderAnthropicError(error: SwitchyardError, requestId: string): RenderedError {
  return {
    status: error.code === 'overloaded' ? ANTHROPIC_OVERLOADED_STATUS : httpStatusOf(error),
    headers: retryHeaders(error),
    body: { type: 'error', error: anthropicErrorObject(error), request_id: requestId },
  };
}

/** Ollama's own shape: `{"error": "message"}`. */
export function renderOllamaError(error: SwitchyardError): RenderedError {
  return {
    status: httpStatusOf(error),
    headers: retryHeaders(error),
    body: { error: ollamaMessage(error) },
  };
}

/** Ollama's words for a model it does not have (chat, generate, embed, show, delete). */
export function ollamaNotFoundWords(model: string): string {
  return `model '${model}' not found`;
}

/**
 * A model nobody serves in Ollama's own words: its clients match them, to offer a pull (which the
 * gateway serves too).
 */
function ollamaMessage(error: SwitchyardError): string {
  const model = error.details?.['model'];
  if (error.code !== 'model_not_found' || typeof model !== 'string') return error.message;
  return ollamaNotFoundWords(model);
}

/**
 * `cancelled` (499) is nginx's convention for a client that left; nobody reads the answer, but a
 * status outside the standard range would trip some HTTP stacks, so it goes out as 400.
 */
function httpStatusOf(error: SwitchyardError): number {
  return error.code === 'cancelled' ? 400 : error.httpStatus;
}

const DEFAULT_RETRY_AFTER_S: Partial<Record<ErrorCode, number>> = {
  rate_limited: 1,
  overloaded: 1,
  no_responders: 1,
  backend_unavailable: 1,
};

/** When to try again, in seconds: on a 429, and on a 503 worth trying again. */
export const RETRY_AFTER_HEADER = 'retry-after';

/**
 * `Retry-After` on a 429 or 503 worth trying again: not on one that lasts until someone acts
 * (`start_failed`, a backend that stays down until it is started again).
 */
function retryHeaders(error: SwitchyardError): Record<string, string> {
  if (error.httpStatus !== 429 && error.httpStatus !== 503) return {};
  if (!error.retryable) return {};
  const hinted = error.details?.['retry_after_ms'];
  const seconds =
    typeof hinted === 'number' && hinted > 0
      ? Math.ceil(hinted / 1000)
      : (DEFAULT_RETRY_AFTER_S[error.code] ?? 1);
  return { [RETRY_AFTER_HEADER]: String(seconds) };
}

/** Fastify's own request errors (body too large, broken JSON, wrong media type) as ours. */
export function fromHttpFrameworkError(error: unknown): SwitchyardError {
  if (error instanceof SwitchyardError) return error;
  const status =
    (error as { statusCode?: unknown; status?: unknown }).statusCode ??
    (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === 'number') {
    if (status === 413) return new SwitchyardError('payload_too_large', message, { cause: error });
    if (status === 404) return new SwitchyardError('not_found', message, { cause: error });
    if (status === 401) return new SwitchyardError('unauthorized', message, { cause: error });
    if (status === 429) return new SwitchyardError('rate_limited', message, { cause: error });
    if (status >= 400 && status < 500) {
      return new SwitchyardError('bad_request', message, {
        cause: error,
        details: { http_status: status },
      });
    }
  }
  return SwitchyardError.from(error, 'internal');
}
