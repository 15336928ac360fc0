import {
  SwitchyardError,
  type ChatRequest,
  type CompletionRequest,
  type EmbeddingRequest,
  type ResponseFormat,
} from '@switchyard/contracts';
import {
  compact,
  mergePassthrough,
  openAiChatBody,
  openAiCompletionBody,
  openAiReasoningEffort,
  openAiSampling,
  toOpenAiResponseFormat,
  type OpenAiBodyRules,
  type OpenAiResponseFormat,
  type SamplingRequest,
  textInputs,
  textPrompt,
} from '@switchyard/worker-runtime';

/** Fields `options.lmstudio` cannot override: they decide what the request is and how it is read. */
const OWN_KEYS = ['model', 'messages', 'prompt', 'input', 'stream', 'stream_options'] as const;

/**
 * LM Studio rejects `json_object` (`'response_format.type' must be 'json_schema' or 'text'`), so
 * JSON mode is sent as a schema that admits any JSON object: the same promise, in the form LM
 * Studio's structured output accepts.
 */
export const ANY_JSON_OBJECT_FORMAT: OpenAiResponseFormat = {
  type: 'json_schema',
  json_schema: { name: 'json_object', schema: { type: 'object' } },
};

/** LM Studio's own ways in chat and completion bodies. */
const LM_STUDIO_RULES: OpenAiBodyRules = {
  server: 'LM Studio',
  sampling: lmStudioSampling,
  passthrough: (request) => request.options?.lmstudio,
  ownKeys: OWN_KEYS,
};

/**
 * `POST /api/v0/chat/completions`. `stream_options.include_usage` is asked for although LM Studio
 * has not honoured it (bug tracker #713); a usage chunk is used when one comes. `options.lmstudio`
 * is merged over the body (e.g. `ttl`, or a field of a newer LM Studio).
 */
export function toLmStudioChatBody(request: ChatRequest): Record<string, unknown> {
  refuseLogprobs(request);
  return openAiChatBody(request, LM_STUDIO_RULES, {
    response_format: lmStudioResponseFormat(request.response_format),
    // `none` goes as no effort: this API has no switch that turns thinking off (docs/clients.md).
    reasoning_effort: openAiReasoningEffort(request.reasoning_effort),
  });
}

/**
 * `POST /api/v0/completions` (no prompt template is applied). A completion with a system prompt,
 * structured output or a reasoning effort goes as a chat (`completionAsChat`).
 */
export function toLmStudioCompletionBody(request: CompletionRequest): Record<string, unknown> {
  refuseLogprobs(request);
  textPrompt(request, 'LM Studio');
  return openAiCompletionBody(request, LM_STUDIO_RULES);
}

/**
 * LM Studio takes `logprobs` and answers `"logprobs": null`: a request for them is refused rather
 * than answered without them, so that the caller knows and a router can pick another backend.
 */
function refuseLogprobs(request: ChatRequest | CompletionRequest): void {
  if (request.logprobs === undefined) return;
  throw new SwitchyardError('unsupported', 'LM Studio does not return log-probabilities', {
    details: { param: 'logprobs' },
  });
}

/**
 * `POST /v1/embeddings` with float vectors. LM Studio documents no `dimensions`, so a request
 * for them is refused rather than answered with vectors of another size.
 */
export function toLmStudioEmbeddingBody(request: EmbeddingRequest): Record<string, unknown> {
  if (request.dimensions !== undefined) {
    throw new SwitchyardError('unsupported', 'LM Studio embeddings do not support dimensions', {
      details: { param: 'dimensions' },
    });
  }
  const input = textInputs(request, 'LM Studio');
  const body = { model: request.model, input, encoding_format: 'float' };
  return mergePassthrough(body, request.options?.lmstudio, OWN_KEYS);
}

/** OpenAI's sampling fields plus LM Studio's documented `top_k`, `min_p` and `repeat_penalty`. */
function lmStudioSampling(request: SamplingRequest): Record<string, unknown> {
  return Object.assign(
    {},
    openAiSampling(request),
    compact({
      top_k: request.top_k,
      min_p: request.min_p,
      repeat_penalty: request.repeat_penalty,
    }),
  );
}

function lmStudioResponseFormat(
  format: ResponseFormat | undefined,
): OpenAiResponseFormat | undefined {
  return format?.type === 'json_object' ? ANY_JSON_OBJECT_FORMAT : toOpenAiResponseFormat(format);
}
