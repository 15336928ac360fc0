import { runPlain, runStream } from '../core/generation-run.js';
import { planGeneration } from '../core/generator.js';
import { SSE_DONE, SSE_TYPE, sseData } from '../core/http-io.js';
import { isEmbeddingModel } from '../core/model-traits.js';
import type { RequestContext } from '../core/router.js';
import { unixSeconds } from '../core/timing.js';
import { readMaxTokens, readStop } from '../openai/openai-request.js';
import { OPENAI_INFERENCE_ERRORS, openAiError } from './ollama-errors.js';
import { findModel, requireModelName } from './ollama-request.js';
import { answerSeed } from '../core/answer-seed.js';

const FINGERPRINT = 'fp_ollama';

/** `POST /v1/completions` on Ollama: the prompt must be a string (reference §1.10). */
export async function handleOpenAiCompletions(ctx: RequestContext): Promise<void> {
  const { sim } = ctx;
  const body = await ctx.json();
  const requested = requireModelName(body, openAiError);
  if (body.prompt !== undefined && typeof body.prompt !== 'string') {
    throw openAiError(
      400,
      `json: cannot unmarshal ${Array.isArray(body.prompt) ? 'array' : typeof body.prompt} into Go struct field CompletionRequest.prompt of type string`,
    );
  }
  const model = findModel(sim, requested, openAiError);
  if (isEmbeddingModel(model.name))
    throw openAiError(400, `"${requested}" does not support generate`);
  const maxTokens = readMaxTokens(body.max_tokens, (m) => openAiError(400, m));
  const stop = readStop(body.stop, (m) => openAiError(400, m));
  const plan = planGeneration({
    seed: answerSeed(body.seed, sim.options.seed),
    model: model.name,
    prompt: (body.prompt as string | undefined) ?? '',
    maxTokens,
    stop,
    answerTokens: sim.options.answerTokens,
  });
  const id = `cmpl-${Math.floor(Math.random() * 999)}`;
  const stream = body.stream === true;
  const includeUsage =
    (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const usage = {
    prompt_tokens: plan.promptTokens,
    completion_tokens: plan.completionTokens,
    total_tokens: plan.promptTokens + plan.completionTokens,
  };
  const zeroUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  const chunk = (text: string, finish: string | null) =>
    sseData({
      id,
      object: 'text_completion',
      created: unixSeconds(),
      choices: [{ text, index: 0, finish_reason: finish }],
      model: requested,
      system_fingerprint: FINGERPRINT,
      ...(includeUsage ? { usage: zeroUsage } : {}),
    });
  const thinking = plan.thinkingPieces.length;

  await sim.runInference(
    ctx,
    model,
    OPENAI_INFERENCE_ERRORS,
    (lease) => {
      lease.usage(plan.promptTokens, plan.completionTokens);
      if (!stream) {
        return runPlain(ctx, lease, {
          tokens: plan.completionTokens,
          body: () => ({
            id,
            object: 'text_completion',
            created: unixSeconds(),
            model: requested,
            system_fingerprint: FINGERPRINT,
            choices: [{ text: plan.text, index: 0, finish_reason: plan.finishReason }],
            usage,
          }),
          error: () => OPENAI_INFERENCE_ERRORS.simulated(500),
        });
      }
      return runStream(ctx, lease, {
        contentType: SSE_TYPE,
        // Thinking output has no place in a completion: those steps carry empty text.
        stepCount: thinking + plan.pieces.length,
        step: (index) =>
          chunk(index < thinking ? '' : (plan.pieces[index - thinking] as string), null),
        tail: () =>
          chunk('', plan.finishReason) +
          (includeUsage
            ? sseData({
                id,
                object: 'text_completion',
                created: unixSeconds(),
                choices: [],
                model: requested,
                system_fingerprint: FINGERPRINT,
                usage,
              })
            : '') +
          SSE_DONE,
        error: () => chunk('', null),
        malformed: 'data: {"id":"' + id + '","object":\n\n',
      });
    },
    { finishReason: plan.finishReason },
  );
}
