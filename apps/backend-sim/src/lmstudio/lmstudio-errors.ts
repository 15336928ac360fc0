import type { InferenceErrors } from '../core/sim-context.js';
import { RequestBodyError, SimHttpError } from '../core/sim-errors.js';

/** LM Studio's API error envelope. */
export function lmError(
  status: number,
  message: string,
  options: { type?: string; param?: string | null; code?: string | null; cause?: unknown } = {},
): SimHttpError {
  return new SimHttpError(
    status,
    {
      error: {
        message,
        type: options.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
        param: options.param ?? null,
        code: options.code ?? null,
      },
    },
    { cause: options.cause },
  );
}

/** The 404 for a model that is not downloaded; the text lists the models, as LM Studio does. */
export function lmModelNotFound(requested: string, available: readonly string[]): SimHttpError {
  const list = available.map((name) => `\t- ${name}`).join('\n');
  return lmError(
    404,
    `Model "${requested}" not found. Please specify a valid model.\n\nYour models:\n${list}`,
    { param: 'model', code: 'model_not_found' },
  );
}

export const lmBadRequest = (message: string, param?: string) =>
  lmError(400, message, { param: param ?? null });

/**
 * LM Studio queues without a documented bound; the simulator's bound answers a 503 in LM
 * Studio's envelope (documented in the README as simulator behaviour).
 */
export const LMSTUDIO_INFERENCE_ERRORS: InferenceErrors = {
  queueFull: (model) =>
    lmError(503, `Too many queued predictions for model "${model}"`, { code: 'server_busy' }),
  simulated: (status) =>
    lmError(
      status,
      status === 503 ? 'simulated fault: service unavailable' : 'simulated fault: model crashed',
    ),
};

export function renderLmStudioError(error: unknown): SimHttpError {
  if (error instanceof SimHttpError) return error;
  if (error instanceof RequestBodyError) {
    return lmError(error.reason === 'too_large' ? 413 : 400, error.message, { cause: error });
  }
  return lmError(500, error instanceof Error ? error.message : String(error), { cause: error });
}

/** LM Studio's 200-for-anything-unknown quirk (bug tracker #618). */
export const unexpectedEndpoint = (method: string, path: string) => ({
  error: `Unexpected endpoint or method. (${method} ${path})`,
});
