import {
  backendError,
  codeForStatus,
  credentialsRefused,
  isContextLengthMessage,
  isCredentialsRefusal,
  openAiErrorDetails,
  openAiErrorInfo,
  type BackendErrorTranslator,
} from '@switchyard/worker-runtime';

/**
 * LM Studio's error bodies as catalogued errors:
 * - `{"error":"Unexpected endpoint or method. (POST /x)"}`, which LM Studio sends with status
 *   200 for any route it lacks (an older version, or a typo) → `unsupported`: no retry helps;
 * - `code: "model_not_found"` (also used for "No models loaded"), or a 404 naming a model →
 *   `model_not_found`. The message text changes between versions, so status and code decide;
 * - context overflow wording from llama.cpp → `context_length_exceeded`;
 * - a model that lacks what the request needs (`Model does not support images. …`) →
 *   `unsupported`: the same request fails on every backend serving that model;
 * - 401 or 403 (authentication required and the worker's `backends[].api_key` wrong or
 *   missing) → a retryable `backend_unavailable` naming the key to fix, not the client's
 *   `unauthorized`;
 * - everything else by status.
 */
export const translateLmStudioError: BackendErrorTranslator = (response) => {
  const info = openAiErrorInfo(response);
  const details = openAiErrorDetails(info);
  if (/^Unexpected endpoint or method/i.test(info.message)) {
    return backendError('unsupported', response, details);
  }
  if (info.code === 'model_not_found' || (response.status === 404 && /model/i.test(info.message))) {
    return backendError('model_not_found', response, details);
  }
  if (isContextLengthMessage(info.message)) {
    return backendError('context_length_exceeded', response, details);
  }
  if (response.status < 500 && /does not support/i.test(info.message)) {
    return backendError('unsupported', response, details);
  }
  if (isCredentialsRefusal(response.status)) return credentialsRefused(response, details);
  return backendError(codeForStatus(response.status), response, details);
};
