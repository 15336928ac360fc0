import { runPlain, runStream } from '../core/generation-run.js';
import { planGeneration, type GenerationPlan } from '../core/generator.js';
import { SSE_DONE, SSE_TYPE, sseData } from '../core/http-io.js';
import { isEmbeddingModel } from '../core/model-traits.js';
import type { RequestContext } from '../core/router.js';
import { unixSeconds } from '../core/timing.js';
import { readMaxTokens, readPrompts, readStop } from '../openai/openai-request.js';
import {
  badRequest,
  validationError,
  VLLM_INFERENCE_ERRORS,
  VLLM_STREAM_ERROR,
} from './vllm-errors.js';
import { readVllmCompletionLogprobs, vllmCompletionLogprobs } from './vllm-logprobs.js';
import {
  checkContextLength,
  requestId,
  vllmJson,
  vllmModel,
  vllmStopReason,
} from './vllm-request.js';
import { answerSeed } from '../core/answer-seed.js';

/**
 * `POST /v1/completions`: prompts as a string, strings, token ids or lists of them (one choice
 * per prompt, streamed one after the other); `finish_reason` on each choice's last text chunk;
 * `echo` puts each prompt (and with `logprobs` its tokens' entries) before its answer.
 */
export async function handleVllmCompletions(ctx: RequestContext): Promise<void> {
  const { sim } = ctx;
  const body = await vllmJson(ctx);
  const model = vllmModel(ctx, body.model);
  const served = model.name;
  if (isEmbeddingModel(served)) throw badRequest('The model does not support Completions API');
  const prompts = readPrompts(body.prompt, sim.tokenizer);
  if (!prompts) throw validationError('prompt', 'Input should be a valid string or list');
  if (body.suffix !== undefined && body.suffix !== null)
    throw badRequest('suffix is not currently supported');
  const maxTokens = readMaxTokens(body.max_tokens, (m) => validationError('max_tokens', m));
  const stop = readStop(body.stop, (m) => validationError('stop', m));
  const logprobs = readVllmCompletionLogprobs(body);
  const echo = body.echo === true;
  const plans = prompts.map((prompt) => {
    const query = {
      seed: answerSeed(body.seed, sim.options.seed),
      model: served,
      prompt,
      answerTokens: sim.options.answerTokens,
      stop,
      logprobs,
      echo,
    };
    const draft = planGeneration({ ...query, maxTokens });
    const allowed = checkContextLength(ctx, draft.promptTokens, maxTokens);
    return allowed >= draft.completionTokens
      ? draft
      : planGeneration({ ...query, maxTokens: allowed });
  });
  const promptTokens = sum(plans, (plan) => plan.promptTokens);
  const completionTokens = sum(plans, (plan) => plan.completionTokens);
  const usage = {
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens: completionTokens,
  };
  const id = `cmpl-${requestId(ctx)}`;
  const created = unixSeconds();
  const base = { id, object: 'text_completion', created, model: served };
  // One step per token of each choice in turn. Thinking output has no place here: its steps
  // carry no text, and no logprobs entries.
  const steps: CompletionStep[] = plans.flatMap((plan, index) => {
    const thinking = plan.thinkingPieces.length;
    const texts = [...plan.thinkingPieces.map(() => ''), ...plan.pieces];
    if (texts.length === 0) texts.push('');
    return texts.map((text, i) => {
      const piece = Math.max(0, i - thinking);
      const to = i < thinking ? piece : Math.min(piece + 1, plan.pieces.length);
      // With echo, a choice's first chunk starts with its prompt.
      const echoed = echo && i === 0 ? (prompts[index] as string) : '';
      return {
        index,
        text: echoed + text,
        first: i === 0,
        last: i === texts.length - 1,
        pieces: [piece, to],
      };
    });
  });
  const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
  const wantsUsage =
    streamOptions !== undefined && streamOptions !== null && streamOptions.include_usage !== false;

  await sim.runInference(
    ctx,
    model,
    VLLM_INFERENCE_ERRORS,
    (lease) => {
      lease.usage(promptTokens, completionTokens);
      if (body.stream !== true) {
        return runPlain(ctx, lease, {
          tokens: completionTokens,
          body: () => ({
            ...base,
            choices: plans.map((plan, index) => ({
              index,
              text: (echo ? (prompts[index] as string) : '') + plan.text,
              logprobs: vllmCompletionLogprobs(plan, logprobs ?? 0),
              finish_reason: plan.finishReason,
              stop_reason: vllmStopReason(plan),
              prompt_logprobs: null,
            })),
            service_tier: null,
            system_fingerprint: null,
            usage: { ...usage, prompt_tokens_details: null },
            kv_transfer_params: null,
          }),
          error: () => VLLM_INFERENCE_ERRORS.simulated(500),
        });
      }
      return runStream(ctx, lease, {
        contentType: SSE_TYPE,
        headersEarly: true,
        stepCount: steps.length,
        step: (i) => {
          const { index, text, first, last, pieces } = steps[i] as CompletionStep;
          const plan = plans[index] as GenerationPlan;
          return sseData({
            ...base,
            choices: [
              {
                index,
                text,
                logprobs: vllmCompletionLogprobs(plan, logprobs ?? 0, ...pieces, first),
                finish_reason: last ? plan.finishReason : null,
                stop_reason: last ? vllmStopReason(plan) : null,
              },
            ],
          });
        },
        tail: () => (wantsUsage ? sseData({ ...base, choices: [], usage }) : '') + SSE_DONE,
        error: () => VLLM_STREAM_ERROR,
        malformed: 'data: {"id":"' + id + '","object":\n\n',
      });
    },
    { finishReason: plans[0]?.finishReason ?? 'stop' },
  );
}

interface CompletionStep {
  /** The choice (prompt) it belongs to. */
  index: number;
  text: string;
  /** The first step of its choice, which carries the echoed prompt. */
  first: boolean;
  /** The last step of its choice, which carries the finish reason. */
  last: boolean;
  /** The answer pieces it carries, `[from, to)`: one for an answer token, none otherwise. */
  pieces: [number, number];
}

function sum(plans: GenerationPlan[], pick: (plan: GenerationPlan) => number): number {
  return plans.reduce((total, plan) => total + pick(plan), 0);
}
