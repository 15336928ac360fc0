import {
  backendError,
  backendMessageOf,
  codeForStatus,
  isContextLengthMessage,
  type BackendErrorTranslator,
} from '@switchyard/worker-runtime';

// `model 'x' not found`, `model "x" not found, try pulling it first`, and a pull of a model the
// registry does not have: `pull model manifest: file does not exist`.
const MODEL_NOT_FOUND = /^model ["'].*["'] not found|pull model manifest: file does not exist/i;

/**
 * Ollama's `{"error":"…"}` bodies as catalogued errors. The status decides first; the wording
 * refines it (Ollama has no error codes, only messages):
 * - unknown model (404, or a failed pull mid-stream) → `model_not_found`; gin's plain-text
 *   `404 page not found` / `405 method not allowed` mean this Ollama lacks the route →
 *   `unsupported`;
 * - `server busy, please try again.  maximum pending requests exceeded` (503) → `overloaded`;
 * - `… does not support tools|thinking|generate|chat` → `unsupported`, and so is an image sent to
 *   a model without a vision projector (`this model is missing data required for image input`,
 *   a 500 from the runner that no retry can cure);
 * - input longer than the context → `context_length_exceeded`;
 * - `option "num_ctx" must be of type integer` (a 500 in Ollama) → `bad_request`.
 * Errors inside a stream (status 200) are `backend_error` unless the wording says otherwise.
 */
export const translateOllamaError: BackendErrorTranslator = (response) => {
  const message = backendMessageOf(response);
  if (MODEL_NOT_FOUND.test(message)) return backendError('model_not_found', response);
  if (response.body === undefined && /^40[45] (page not found|method not allowed)/.test(message)) {
    return backendError('unsupported', response);
  }
  if (/server busy/i.test(message)) return backendError('overloaded', response);
  if (/does not support|missing data required for image input/i.test(message)) {
    return backendError('unsupported', response);
  }
  if (isContextLengthMessage(message)) return backendError('context_length_exceeded', response);
  if (/^option ".*" must be of type|^invalid think value/i.test(message)) {
    return backendError('bad_request', response);
  }
  return backendError(codeForStatus(response.status), response);
};
