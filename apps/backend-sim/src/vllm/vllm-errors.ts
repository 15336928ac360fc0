import type { InferenceErrors } from '../core/sim-context.js';
import { RequestBodyError, SimHttpError } from '../core/sim-errors.js';

/** vLLM's error envelope since v0.10.1: `code` is the HTTP status as an integer. */
export function vllmError(
  status: number,
  type: string,
  message: string,
  param: string | null = null,
  cause?: unknown,
): SimHttpError {
  return new SimHttpError(status, { error: { message, type, param, code: status } }, { cause });
}

export const badRequest = (message: string, param: string | null = null) =>
  vllmError(400, 'BadRequestError', message, param);

/** Pydantic validation failures are 400 with type "Bad Request" (not FastAPI's 422). */
export const validationError = (field: string, message: string) =>
  vllmError(400, 'Bad Request', `${field}: ${message}`, field);

export const modelDoesNotExist = (model: string) =>
  vllmError(404, 'NotFoundError', `The model \`${model}\` does not exist.`);

/** The body of a missing or wrong `--api-key`: a plain string, not the envelope. */
export const UNAUTHORIZED_BODY = { error: 'Unauthorized' };

const SIMULATED_500 = 'simulated fault: engine generate failed';

/**
 * vLLM itself never refuses work for load (it queues); the simulator's queue bound answers a
 * 503 in the envelope (documented in the README as simulator behaviour).
 */
export const VLLM_INFERENCE_ERRORS: InferenceErrors = {
  queueFull: (model) =>
    vllmError(503, 'ServiceUnavailableError', `The queue of model ${model} is full.`),
  simulated: (status) =>
    status === 503
      ? vllmError(503, 'ServiceUnavailableError', 'simulated fault: service unavailable')
      : vllmError(500, 'InternalServerError', SIMULATED_500),
};

/** An error after the stream has started: one SSE error object, then `[DONE]`. */
export const VLLM_STREAM_ERROR =
  `data: ${JSON.stringify({ error: { message: SIMULATED_500, type: 'InternalServerError', param: null, code: 500 } })}\n\n` +
  'data: [DONE]\n\n';

export function renderVllmError(error: unknown): SimHttpError {
  if (error instanceof SimHttpError) return error;
  if (error instanceof RequestBodyError) {
    if (error.reason === 'too_large')
      return vllmError(413, 'Request Entity Too Large', error.message);
    return vllmError(400, 'Bad Request', `JSON decode error: ${error.message}`, null, error);
  }
  return vllmError(
    500,
    'InternalServerError',
    error instanceof Error ? error.message : String(error),
    null,
    error,
  );
}
