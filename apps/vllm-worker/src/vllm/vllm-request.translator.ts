import type { ChatRequest, CompletionRequest, EmbeddingRequest } from '@switchyard/contracts';
import {
  compact,
  mergePassthrough,
  openAiChatBody,
  openAiCompletionBody,
  openAiReasoningEffort,
  openAiSampling,
  toOpenAiResponseFormat,
  type OpenAiBodyRules,
  type SamplingRequest,
} from '@switchyard/worker-runtime';

/** Fields `options.vllm` cannot override: they decide what the request is and how it is read. */
const OWN_KEYS = [
  'model',
  'messages',
  'prompt',
  'input',
  'stream',
  'stream_options',
  'encoding_format',
] as const;

/** vLLM's own ways in chat and completion bodies. */
const VLLM_RULES: OpenAiBodyRules = {
  server: 'vLLM',
  sampling: vllmSampling,
  passthrough: (request) => request.options?.vllm,
  ownKeys: OWN_KEYS,
};

/**
 * `POST /v1/chat/completions`, streamed with usage (one body for `stream: false`).
 * `options.vllm` is merged over the body:
 * vLLM's extra parameters (`repetition_penalty`, `guided_json`, `structured_outputs`,
 * `chat_template_kwargs`, `priority`…) and anything a newer vLLM accepts. Reasoning effort
 * `none` switches thinking off the way vLLM's chat templates read it
 * (`chat_template_kwargs.enable_thinking: false`); the other efforts go as `reasoning_effort`.
 */
export function toVllmChatBody(request: ChatRequest): Record<string, unknown> {
  const prefill = endsWithPrefill(request);
  return openAiChatBody(request, VLLM_RULES, {
    response_format: toOpenAiResponseFormat(request.response_format),
    reasoning_effort: openAiReasoningEffort(request.reasoning_effort),
    chat_template_kwargs:
      request.reasoning_effort === 'none' ? { enable_thinking: false } : undefined,
    // vLLM closes the last turn and opens a new one unless told to continue it (and then it must
    // not add the new turn's header: it refuses both at once).
    continue_final_message: prefill ? true : undefined,
    add_generation_prompt: prefill ? false : undefined,
    // Asked of vLLM, which then generates only one call; the worker keeps only the first anyway.
    parallel_tool_calls: request.parallel_tool_calls === false ? false : undefined,
  });
}

/**
 * Whether the chat ends with an assistant message to continue (a prefill: Anthropic's, or a
 * client steering the answer's start), as Ollama and LM Studio continue one on their own: text,
 * and no tool calls, which end a turn.
 */
function endsWithPrefill(request: ChatRequest): boolean {
  const last = request.messages.at(-1);
  if (last?.role !== 'assistant' || (last.tool_calls?.length ?? 0) > 0) return false;
  const content = last.content;
  if (typeof content === 'string') return content !== '';
  return (content ?? []).some((part) => part.type === 'text' && part.text !== '');
}

/**
 * `POST /v1/completions`, streamed with usage unless `stream: false`. No `suffix` in vLLM. A
 * completion with a system prompt, structured output or a reasoning effort goes as a chat
 * (`completionAsChat`). `echo` is vLLM's own: the answer's text starts with the prompt and, with
 * `logprobs`, so do its entries (the first one's log-probability null).
 */
export function toVllmCompletionBody(request: CompletionRequest): Record<string, unknown> {
  const body = openAiCompletionBody(request, VLLM_RULES);
  return request.echo === true ? Object.assign({}, body, { echo: true }) : body;
}

/**
 * `POST /v1/embeddings` as base64 (a third of the bytes of float text, decoded exactly).
 * `truncate` is not translated: vLLM's `truncate_prompt_tokens` differs between versions, so
 * it is left to `options.vllm`.
 */
export function toVllmEmbeddingBody(request: EmbeddingRequest): Record<string, unknown> {
  const body = {
    model: request.model,
    input: [...request.input],
    encoding_format: 'base64',
    ...compact({ dimensions: request.dimensions }),
  };
  return mergePassthrough(body, request.options?.vllm, OWN_KEYS);
}

/**
 * OpenAI's sampling fields plus vLLM's `top_k`, `min_p` and `repetition_penalty`. No top-k cut
 * (canonical 0) is -1, which every vLLM takes; older ones refuse 0.
 */
function vllmSampling(request: SamplingRequest): Record<string, unknown> {
  return Object.assign(
    {},
    openAiSampling(request),
    compact({
      top_k: request.top_k === 0 ? -1 : request.top_k,
      min_p: request.min_p,
      repetition_penalty: request.repeat_penalty,
    }),
  );
}
