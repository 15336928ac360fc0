import { runPlain, runStream } from '../core/generation-run.js';
import { planGeneration, type GenerationPlan } from '../core/generator.js';
import { SSE_DONE, SSE_TYPE, sseData } from '../core/http-io.js';
import { isEmbeddingModel, supportsTools } from '../core/model-traits.js';
import type { RequestContext } from '../core/router.js';
import { unixSeconds } from '../core/timing.js';
import { formatFromResponseFormat, readChatRequest } from '../openai/openai-request.js';
import { OPENAI_INFERENCE_ERRORS, openAiError } from './ollama-errors.js';
import { ollamaLogprobsField, readOllamaLogprobs } from './ollama-logprobs.js';
import {
  checkImages,
  checkThinking,
  findModel,
  ollamaFullPath,
  requireModelName,
} from './ollama-request.js';
import { answerSeed } from '../core/answer-seed.js';

const FINGERPRINT = 'fp_ollama';

/** `POST /v1/chat/completions` on Ollama (reference §1.10). */
export async function handleOpenAiChat(ctx: RequestContext): Promise<void> {
  const { sim } = ctx;
  const body = await ctx.json();
  const logprobs = readOllamaLogprobs(body, 'ChatCompletionRequest', openAiError);
  const requested = requireModelName(body, openAiError);
  const request = readChatRequest(body, (message) => openAiError(400, message));
  if (request.messages.length === 0) throw openAiError(400, "[] is too short - 'messages'");
  const model = findModel(sim, requested, openAiError);
  const think = thinkFromEffort(
    request.reasoningEffort ?? (body.reasoning as { effort?: string } | undefined)?.effort,
  );
  checkThinking(requested, model, think, openAiError);
  if (isEmbeddingModel(model.name)) throw openAiError(400, `"${requested}" does not support chat`);
  if (request.tools.length > 0 && !supportsTools(model.name)) {
    throw openAiError(400, `${ollamaFullPath(model.name)} does not support tools`);
  }
  if (request.imageUrls.some((url) => !/^data:image\/[\w.+-]+;base64,/.test(url))) {
    throw openAiError(400, 'invalid image input');
  }
  checkImages(model, request.imageUrls.length > 0, openAiError);
  const plan = planGeneration({
    seed: answerSeed(body.seed, sim.options.seed),
    model: model.name,
    messages: request.messages,
    maxTokens: request.maxTokens,
    stop: request.stop,
    answerTokens: sim.options.answerTokens,
    tools: request.tools,
    ...(think !== undefined ? { think } : {}),
    format: formatFromResponseFormat(request.responseFormat),
    logprobs,
  });
  const id = `chatcmpl-${Math.floor(Math.random() * 999)}`;
  const created = unixSeconds();
  const finishReason = plan.toolCalls.length > 0 ? 'tool_calls' : plan.finishReason;
  const base = {
    id,
    object: 'chat.completion.chunk',
    created,
    model: requested,
    system_fingerprint: FINGERPRINT,
  };
  const usage = {
    prompt_tokens: plan.promptTokens,
    completion_tokens: plan.completionTokens,
    total_tokens: plan.promptTokens + plan.completionTokens,
  };

  await sim.runInference(
    ctx,
    model,
    OPENAI_INFERENCE_ERRORS,
    (lease) => {
      lease.usage(plan.promptTokens, plan.completionTokens);
      if (!request.stream) {
        return runPlain(ctx, lease, {
          tokens: plan.completionTokens,
          body: () => ({
            id,
            object: 'chat.completion',
            created,
            model: requested,
            system_fingerprint: FINGERPRINT,
            choices: [
              {
                index: 0,
                message: fullMessage(plan),
                finish_reason: finishReason,
                ...choiceLogprobs(plan),
              },
            ],
            usage,
          }),
          error: () => OPENAI_INFERENCE_ERRORS.simulated(500),
        });
      }
      const chunk = (
        delta: Record<string, unknown>,
        finish: string | null = null,
        logprobs: Record<string, unknown> = {},
      ) => sseData({ ...base, choices: [{ index: 0, delta, finish_reason: finish, ...logprobs }] });
      return runStream(ctx, lease, {
        contentType: SSE_TYPE,
        stepCount:
          plan.thinkingPieces.length + plan.pieces.length + (plan.toolCalls.length ? 1 : 0),
        step: (index) => {
          const piece = index - plan.thinkingPieces.length;
          return chunk(deltaAt(plan, index), null, piece >= 0 ? choiceLogprobs(plan, piece) : {});
        },
        tail: () =>
          chunk({}, finishReason) +
          (request.streamOptions?.include_usage === true
            ? sseData({ ...base, choices: [], usage })
            : '') +
          SSE_DONE,
        // Ollama does not translate a mid-stream error on /v1: an empty chunk, then the stream stops.
        error: () => chunk({ content: '' }),
        malformed: 'data: {"id":"' + id + '","object":\n\n',
      });
    },
    { finishReason },
  );
}

function deltaAt(plan: GenerationPlan, index: number): Record<string, unknown> {
  const first = index === 0 ? { role: 'assistant' } : {};
  const thinking = plan.thinkingPieces.length;
  if (index < thinking) {
    return {
      ...first,
      ...(index === 0 ? { content: '' } : {}),
      reasoning: plan.thinkingPieces[index],
    };
  }
  if (index < thinking + plan.pieces.length)
    return { ...first, content: plan.pieces[index - thinking] };
  return { ...first, ...(index === 0 ? { content: '' } : {}), tool_calls: openAiToolCalls(plan) };
}

/**
 * Ollama's `/v1` wraps its native entries as `{"content": […]}` and, like its native API, leaves
 * `logprobs` out of a choice that has none.
 */
function choiceLogprobs(plan: GenerationPlan, piece?: number) {
  const { logprobs } = ollamaLogprobsField(plan, piece);
  return logprobs ? { logprobs: { content: logprobs } } : {};
}

function fullMessage(plan: GenerationPlan): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: plan.text };
  if (plan.thinking) message.reasoning = plan.thinking;
  if (plan.toolCalls.length > 0) message.tool_calls = openAiToolCalls(plan);
  return message;
}

/** Whole calls with the arguments as one JSON string, as Ollama's /v1 layer sends them. */
function openAiToolCalls(plan: GenerationPlan) {
  return plan.toolCalls.map((call, index) => ({
    id: `call_${call.id}`,
    index,
    type: 'function',
    function: { name: call.name, arguments: call.argumentsJson },
  }));
}

/** reasoning_effort → think: none → off, known levels → on; anything else is a 400. */
function thinkFromEffort(effort: string | undefined): boolean | undefined {
  if (effort === undefined || effort === '') return undefined;
  if (effort === 'none') return false;
  if (['minimal', 'low', 'medium', 'high', 'max', 'xhigh', 'ultra'].includes(effort)) return true;
  throw openAiError(
    400,
    `invalid reasoning value: '${effort}' (must be "none", "minimal", "low", "medium", "high", "xhigh", "max" or "ultra")`,
  );
}
