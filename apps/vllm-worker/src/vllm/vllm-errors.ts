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
 * vLLM's errors as catalogued errors, in both shapes it has used: the envelope of v0.10.1+
 * (`{"error":{message,type,param,code:<status>}}`) and the older flat body
 * (`{"object":"error",message,type,param,code}`), plus its 401 `{"error":"Unauthorized"}`.
 * - Inside a stream the HTTP status is 200, so the status in `code` decides;
 * - 404 naming a model (`The model \`x\` does not exist.`) → `model_not_found`; a missing LoRA
 *   adapter → `not_found`;
 * - context overflow (`This model's maximum context length is …`) → `context_length_exceeded`,
 *   with the context's and the prompt's tokens in `details` where the message gives them;
 * - a feature the server was not started with or the model lacks (`"auto" tool choice requires
 *   --enable-auto-tool-choice …`, `does not support Embeddings API`, images sent to a model that
 *   `is not a multimodal model`) → `unsupported`;
 * - 401 (`--api-key` set and the worker's `backends[].api_key` wrong or missing) → a retryable
 *   `backend_unavailable` naming the key to fix, not the client's `unauthorized`;
 * - 503 (the engine died) → `backend_unavailable`; the rest by status.
 */
export const translateVllmError: BackendErrorTranslator = (response) => {
  const info = openAiErrorInfo(response);
  const details = openAiErrorDetails(info);
  const status =
    response.status === 200 && typeof info.code === 'number' ? info.code : response.status;
  if (status === 404) {
    const modelMissing = /model/i.test(info.message) && !/lora/i.test(info.message);
    return backendError(modelMissing ? 'model_not_found' : 'not_found', response, details);
  }
  if (isContextLengthMessage(info.message)) {
    return backendError(
      'context_length_exceeded',
      response,
      Object.assign({}, details, contextOverflowOf(info.message)),
    );
  }
  if (
    status < 500 &&
    /does not support|not (currently )?supported|requires --|is not a multimodal model/i.test(
      info.message,
    )
  ) {
    return backendError('unsupported', response, details);
  }
  if (isCredentialsRefusal(status)) return credentialsRefused(response, details);
  if (status === 503) return backendError('backend_unavailable', response, details);
  return backendError(codeForStatus(status), response, details);
};

/**
 * The numbers of vLLM's context overflow, in the wordings it has used: the context length
 * (`maximum context length is 4096 tokens`) and the prompt's tokens (`(4000 in the messages,
 * 1000 in the completion)`, or `your request has 4000 input tokens`).
 */
function contextOverflowOf(message: string): { context_length?: number; prompt_tokens?: number } {
  const limit = /maximum context length is (\d+)/i.exec(message)?.[1];
  const prompt = /(\d+) in the messages|has (\d+) input tokens/i.exec(message);
  const promptTokens = prompt?.[1] ?? prompt?.[2];
  return Object.assign(
    {},
    limit === undefined ? {} : { context_length: Number(limit) },
    promptTokens === undefined ? {} : { prompt_tokens: Number(promptTokens) },
  );
}
