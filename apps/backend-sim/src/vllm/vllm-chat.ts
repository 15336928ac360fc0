import { runPlain, runStream } from '../core/generation-run.js';
import {
  planGeneration,
  type GenerationPlan,
  type PlannedToolCall,
  type SimMessage,
} from '../core/generator.js';
import { deterministicHex } from '../core/hashing.js';
import { SSE_DONE, SSE_TYPE, sseData } from '../core/http-io.js';
import { isEmbeddingModel, isVisionModel } from '../core/model-traits.js';
import type { RequestContext } from '../core/router.js';
import { unixSeconds } from '../core/timing.js';
import {
  openAiChatSteps,
  openAiFinishReason,
  openAiToolCalls,
  type ChatStep,
} from '../openai/openai-frames.js';
import { formatFromResponseFormat, readChatRequest } from '../openai/openai-request.js';
import {
  badRequest,
  validationError,
  VLLM_INFERENCE_ERRORS,
  VLLM_STREAM_ERROR,
} from './vllm-errors.js';
import { readVllmChatLogprobs, vllmChatLogprobs } from './vllm-logprobs.js';
import {
  checkContextLength,
  requestId,
  vllmJson,
  vllmModel,
  vllmStopReason,
} from './vllm-request.js';
import { answerSeed } from '../core/answer-seed.js';

/**
 * The conversation as vLLM's chat template renders it. A final assistant message is a closed turn
 * followed by a new, empty one, unless the request continues it (a prefill): the answer is then
 * planned from the conversation as it stands, as the Ollama and LM Studio simulators plan it.
 */
function withGenerationTurn(messages: readonly SimMessage[], continues: boolean): SimMessage[] {
  const endsWithAssistant = messages.at(-1)?.role === 'assistant';
  return continues || !endsWithAssistant
    ? [...messages]
    : [...messages, { role: 'assistant', content: '' }];
}

const toolCallId = (call: PlannedToolCall) => `chatcmpl-tool-${deterministicHex(32, call.id)}`;

/**
 * `POST /v1/chat/completions` (reference §3.4, §3.5): a role-only first chunk, `finish_reason`
 * (and `stop_reason`) on the chunk with the last delta, a usage chunk whenever
 * `stream_options` is present (include_usage defaults to true inside it), every field dumped
 * (nulls included) when not streaming.
 */
export async function handleVllmChat(ctx: RequestContext): Promise<void> {
  const { sim } = ctx;
  const body = await vllmJson(ctx);
  const request = readChatRequest(body, (message, param) =>
    validationError(param ?? 'body', message),
  );
  const logprobs = readVllmChatLogprobs(body);
  const model = vllmModel(ctx, body.model);
  const served = model.name;
  if (isEmbeddingModel(served)) throw badRequest('The model does not support Chat Completions API');
  if (request.imageUrls.length > 0 && !isVisionModel(served)) {
    throw badRequest(`${served} is not a multimodal model`);
  }
  // vLLM's own check: continuing the last message and opening a new turn after it exclude each
  // other (add_generation_prompt defaults to true).
  if (body.continue_final_message === true && body.add_generation_prompt !== false) {
    throw badRequest(
      'Cannot set both `continue_final_message` and `add_generation_prompt` to True.',
    );
  }
  const kwargs = body.chat_template_kwargs as { enable_thinking?: unknown } | undefined;
  const query = {
    seed: answerSeed(body.seed, sim.options.seed),
    model: served,
    messages: withGenerationTurn(request.messages, body.continue_final_message === true),
    answerTokens: sim.options.answerTokens,
    stop: request.stop,
    tools: request.tools,
    toolChoice: request.toolChoice,
    // Newer vLLM versions keep to one call when asked (reference §3.4).
    ...(body.parallel_tool_calls === false ? { parallelToolCalls: false } : {}),
    ...(kwargs?.enable_thinking === false ? { think: false } : {}),
    format: formatFromResponseFormat(request.responseFormat),
    logprobs,
  };
  const draft = planGeneration({ ...query, maxTokens: request.maxTokens });
  // Without max_tokens vLLM allows what is left of the context window.
  const maxTokens = checkContextLength(ctx, draft.promptTokens, request.maxTokens);
  const plan =
    maxTokens >= draft.completionTokens ? draft : planGeneration({ ...query, maxTokens });
  const id = `chatcmpl-${requestId(ctx)}`;
  const created = unixSeconds();
  const finishReason = openAiFinishReason(plan);
  const stopReason = vllmStopReason(plan);
  const steps = openAiChatSteps(plan, toolCallId);
  const usage = {
    prompt_tokens: plan.promptTokens,
    total_tokens: plan.promptTokens + plan.completionTokens,
    completion_tokens: plan.completionTokens,
  };
  const wantsUsage =
    request.streamOptions !== undefined && request.streamOptions.include_usage !== false;
  const base = { id, object: 'chat.completion.chunk', created, model: served };
  const chunk = (delta: Record<string, unknown>, last: boolean, logprobs: unknown = null) =>
    sseData({
      ...base,
      choices: [
        last
          ? { index: 0, delta, logprobs, finish_reason: finishReason, stop_reason: stopReason }
          : { index: 0, delta, logprobs, finish_reason: null },
      ],
    });
  // Every chunk after the role chunk carries the entries of the answer tokens it holds (none
  // for reasoning and tool-call fragments); content steps follow the reasoning steps.
  const thinking = plan.thinkingPieces.length;
  const stepLogprobs = (index: number) =>
    index < thinking
      ? vllmChatLogprobs(plan, 0, 0)
      : vllmChatLogprobs(plan, index - thinking, index - thinking + 1);

  await sim.runInference(
    ctx,
    model,
    VLLM_INFERENCE_ERRORS,
    (lease) => {
      lease.usage(plan.promptTokens, plan.completionTokens);
      if (!request.stream) {
        return runPlain(ctx, lease, {
          tokens: plan.completionTokens,
          body: () => ({
            id,
            object: 'chat.completion',
            created,
            model: served,
            choices: [
              {
                index: 0,
                message: message(plan),
                logprobs: vllmChatLogprobs(plan),
                finish_reason: finishReason,
                stop_reason: stopReason,
              },
            ],
            service_tier: null,
            system_fingerprint: null,
            usage: { ...usage, prompt_tokens_details: null },
            prompt_logprobs: null,
            kv_transfer_params: null,
          }),
          error: () => VLLM_INFERENCE_ERRORS.simulated(500),
        });
      }
      return runStream(ctx, lease, {
        contentType: SSE_TYPE,
        headersEarly: true,
        head: chunk({ role: 'assistant', content: '' }, false),
        stepCount: steps.length,
        step: (index) =>
          chunk(delta(steps[index] as ChatStep), index === steps.length - 1, stepLogprobs(index)),
        tail: () =>
          (steps.length === 0 ? chunk({}, true, vllmChatLogprobs(plan, 0, 0)) : '') +
          (wantsUsage ? sseData({ ...base, choices: [], usage }) : '') +
          SSE_DONE,
        error: () => VLLM_STREAM_ERROR,
        malformed: 'data: {"id":"' + id + '","object":\n\n',
      });
    },
    { finishReason },
  );
}

function delta(step: ChatStep): Record<string, unknown> {
  switch (step.kind) {
    case 'reasoning':
      return { reasoning_content: step.text };
    case 'content':
      return { content: step.text };
    case 'tool_call':
      return { tool_calls: [step.toolCall] };
  }
}

function message(plan: GenerationPlan) {
  return {
    role: 'assistant',
    content: plan.toolCalls.length > 0 ? null : plan.text,
    refusal: null,
    annotations: null,
    audio: null,
    function_call: null,
    tool_calls: openAiToolCalls(plan, toolCallId),
    reasoning_content: plan.thinking || null,
  };
}
