import type { InferenceErrors } from '../core/sim-context.js';
import { RequestBodyError, SimHttpError } from '../core/sim-errors.js';

// Ollama's error texts, exactly as its server words them (reference §1.7).
export const OLLAMA_QUEUE_FULL =
  'server busy, please try again.  maximum pending requests exceeded';
export const OLLAMA_NOT_FOUND_PAGE = '404 page not found';
export const OLLAMA_METHOD_NOT_ALLOWED_PAGE = '405 method not allowed';

/** A native-API error: `{"error":"…"}`. */
export function nativeError(status: number, message: string, cause?: unknown): SimHttpError {
  return new SimHttpError(status, { error: message }, { cause });
}

/** A `/v1` error: the OpenAI envelope with Ollama's type names and null param/code. */
export function openAiError(status: number, message: string, cause?: unknown): SimHttpError {
  const type =
    status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error';
  return new SimHttpError(status, { error: { message, type, param: null, code: null } }, { cause });
}

export const modelNotFound = (name: string) => `model '${name}' not found`;

/** Turns anything a handler threw into the error shape of the path it was thrown on. */
export function renderOllamaError(path: string, error: unknown): SimHttpError {
  const shape = path.startsWith('/v1/') ? openAiError : nativeError;
  if (error instanceof SimHttpError) return error;
  if (error instanceof RequestBodyError) {
    return shape(error.reason === 'too_large' ? 413 : 400, error.message, error);
  }
  return shape(500, error instanceof Error ? error.message : String(error), error);
}

export const NATIVE_INFERENCE_ERRORS: InferenceErrors = {
  queueFull: () => nativeError(503, OLLAMA_QUEUE_FULL),
  simulated: (status) => nativeError(status, simulatedMessage(status)),
};

export const OPENAI_INFERENCE_ERRORS: InferenceErrors = {
  queueFull: () => openAiError(503, OLLAMA_QUEUE_FULL),
  simulated: (status) => openAiError(status, simulatedMessage(status)),
};

/** The text of a fault-injected error: recognisable in logs, shaped like a runner failure. */
export function simulatedMessage(status: number): string {
  return status === 503
    ? 'simulated fault: service unavailable'
    : 'simulated fault: llama runner process has terminated';
}
