import { runPlain, runStream, type GenerationTimings } from '../core/generation-run.js';
import { planGeneration, type GenerationPlan, type PlannedToolCall } from '../core/generator.js';
import { deterministicId, fnv1a } from '../core/hashing.js';
import { SSE_DONE, SSE_TYPE, sseData } from '../core/http-io.js';
import { isEmbeddingModel, isVisionModel } from '../core/model-traits.js';
import type { RequestContext } from '../core/router.js';
import { unixSeconds } from '../core/timing.js';
import {
  openAiChatSteps,
  openAiFinishReason,
  openAiToolCalls,
  openAiUsage,
  type ChatStep,
} from '../openai/openai-frames.js';
import { formatFromResponseFormat, readChatRequest } from '../openai/openai-request.js';
import { LMSTUDIO_INFERENCE_ERRORS, lmBadRequest } from './lmstudio-errors.js';
import { LMSTUDIO_RUNTIME, lmArch, lmFindModel, lmQuantization } from './lmstudio-model-info.js';
import { answerSeed } from '../core/answer-seed.js';

/** LM Studio's tool-call ids are strings of digits. */
const toolCallId = (call: PlannedToolCall) => String(fnv1a(call.id) % 1_000_000_000);

/**
 * `POST /v1/chat/completions` and `POST /api/v0/chat/completions` (reference §2.2, §2.3):
 * SSE with a separate finish chunk and never a usage chunk; `/api/v0` answers add `stats`,
 * `model_info` and `runtime` when not streaming.
 */
export async function handleLmChat(ctx: RequestContext, api: 'v1' | 'v0'): Promise<void> {
  const { sim } = ctx;
  const body = await ctx.json();
  const request = readChatRequest(body, lmBadRequest);
  const model = lmFindModel(sim, request.model);
  if (isEmbeddingModel(model.name)) {
    throw lmBadRequest(
      `Model "${model.name}" is an embedding model and cannot be used for chat.`,
      'model',
    );
  }
  const type = request.responseFormat?.type;
  if (type !== undefined && type !== 'json_schema' && type !== 'text') {
    throw lmBadRequest("'response_format.type' must be 'json_schema' or 'text'", 'response_format');
  }
  if (request.imageUrls.length > 0 && !isVisionModel(model.name)) {
    throw lmBadRequest('Model does not support images. Please use a model that does.', 'messages');
  }
  const plan = planGeneration({
    seed: answerSeed(body.seed, sim.options.seed),
    model: model.name,
    messages: request.messages,
    maxTokens: request.maxTokens,
    stop: request.stop,
    answerTokens: sim.options.answerTokens,
    tools: request.tools,
    toolChoice: request.toolChoice,
    format: formatFromResponseFormat(request.responseFormat),
  });
  const id = `chatcmpl-${deterministicId(20, Math.random())}`;
  const created = unixSeconds();
  const finishReason = openAiFinishReason(plan);
  const steps = openAiChatSteps(plan, toolCallId);
  const base = {
    id,
    object: 'chat.completion.chunk',
    created,
    model: model.name,
    system_fingerprint: model.name,
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    sseData({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });

  await sim.runInference(
    ctx,
    model,
    LMSTUDIO_INFERENCE_ERRORS,
    (lease) => {
      lease.usage(plan.promptTokens, plan.completionTokens);
      if (!request.stream) {
        return runPlain(ctx, lease, {
          tokens: plan.completionTokens,
          body: (timings) => ({
            id,
            object: 'chat.completion',
            created,
            model: model.name,
            choices: [
              { index: 0, logprobs: null, finish_reason: finishReason, message: message(plan) },
            ],
            usage: openAiUsage(plan.promptTokens, plan.completionTokens),
            ...(api === 'v0' ? v0Extras(ctx, model.name, plan, timings) : { stats: {} }),
            system_fingerprint: model.name,
          }),
          error: () => LMSTUDIO_INFERENCE_ERRORS.simulated(500),
        });
      }
      return runStream(ctx, lease, {
        contentType: SSE_TYPE,
        headersEarly: true,
        stepCount: steps.length,
        step: (index) => chunk(delta(steps[index] as ChatStep, index === 0)),
        tail: () => chunk({}, finishReason) + SSE_DONE,
        error: () =>
          sseData({
            error: {
              message: 'simulated fault: model crashed',
              type: 'server_error',
              param: null,
              code: null,
            },
          }),
        malformed: 'data: {"id":"' + id + '","object":\n\n',
      });
    },
    { keepAliveMs: ttlMs(body.ttl, sim.defaultKeepAliveMs), finishReason },
  );
}

function delta(step: ChatStep, first: boolean): Record<string, unknown> {
  const role = first ? { role: 'assistant' } : {};
  switch (step.kind) {
    case 'reasoning':
      return { ...role, reasoning_content: step.text };
    case 'content':
      return { ...role, content: step.text };
    case 'tool_call':
      return { ...role, tool_calls: [step.toolCall] };
  }
}

function message(plan: GenerationPlan): Record<string, unknown> {
  if (plan.toolCalls.length > 0) {
    return {
      role: 'assistant',
      content: null,
      ...(plan.thinking ? { reasoning_content: plan.thinking } : {}),
      tool_calls: openAiToolCalls(plan, toolCallId),
    };
  }
  return {
    role: 'assistant',
    content: plan.text,
    ...(plan.thinking ? { reasoning_content: plan.thinking } : {}),
  };
}

/** `stats` (seconds, as floats), `model_info` and `runtime` of an `/api/v0` answer. */
export function v0Extras(
  ctx: RequestContext,
  model: string,
  plan: GenerationPlan,
  timings: GenerationTimings,
) {
  const generationSeconds = timings.evalNs / 1e9;
  return {
    stats: {
      tokens_per_second: generationSeconds > 0 ? plan.completionTokens / generationSeconds : 0,
      time_to_first_token: (timings.loadNs + timings.promptEvalNs) / 1e9,
      generation_time: generationSeconds,
      stop_reason: lmStopReason(plan),
    },
    model_info: {
      arch: lmArch(model),
      quant: lmQuantization(model),
      format: 'gguf',
      context_length: ctx.sim.options.contextLength,
    },
    runtime: LMSTUDIO_RUNTIME,
  };
}

/** `stats.stop_reason`, in the LM Studio SDK's words. */
function lmStopReason(plan: GenerationPlan): string {
  if (plan.finishReason === 'length') return 'maxPredictedTokensReached';
  return plan.stopSequence === undefined ? 'eosFound' : 'stopStringFound';
}

/** A request's `ttl` (seconds) becomes how long the JIT-loaded model stays loaded. */
export function ttlMs(ttl: unknown, fallback: number): number {
  return typeof ttl === 'number' && ttl > 0 ? ttl * 1000 : fallback;
}
