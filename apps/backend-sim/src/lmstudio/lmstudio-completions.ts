import { embedText, float32ToBase64 } from '../core/embeddings.js';
import { runPlain, runStream } from '../core/generation-run.js';
import { planGeneration } from '../core/generator.js';
import { deterministicId } from '../core/hashing.js';
import { SSE_DONE, SSE_TYPE, sseData } from '../core/http-io.js';
import { isEmbeddingModel } from '../core/model-traits.js';
import type { RequestContext } from '../core/router.js';
import { unixSeconds } from '../core/timing.js';
import { countTokens } from '../core/tokenizer.js';
import { openAiUsage } from '../openai/openai-frames.js';
import { readMaxTokens, readStop } from '../openai/openai-request.js';
import { ttlMs, v0Extras } from './lmstudio-chat.js';
import { LMSTUDIO_INFERENCE_ERRORS, lmBadRequest } from './lmstudio-errors.js';
import { lmFindModel, lmQuantization } from './lmstudio-model-info.js';
import { answerSeed } from '../core/answer-seed.js';

/** `POST /v1/completions`, `/api/v0/completions`: no prompt template, a string prompt. */
export async function handleLmCompletions(ctx: RequestContext, api: 'v1' | 'v0'): Promise<void> {
  const { sim } = ctx;
  const body = await ctx.json();
  const model = lmFindModel(sim, body.model);
  if (typeof body.prompt !== 'string') throw lmBadRequest("'prompt' must be a string", 'prompt');
  if (isEmbeddingModel(model.name)) {
    throw lmBadRequest(
      `Model "${model.name}" is an embedding model and cannot be used for completions.`,
      'model',
    );
  }
  const maxTokens = readMaxTokens(body.max_tokens, lmBadRequest);
  const stop = readStop(body.stop, lmBadRequest);
  const plan = planGeneration({
    seed: answerSeed(body.seed, sim.options.seed),
    model: model.name,
    prompt: body.prompt,
    maxTokens,
    stop,
    answerTokens: sim.options.answerTokens,
  });
  const id = `cmpl-${deterministicId(20, Math.random())}`;
  const created = unixSeconds();
  const base = { id, object: 'text_completion', created, model: model.name };
  const thinking = plan.thinkingPieces.length;

  await sim.runInference(
    ctx,
    model,
    LMSTUDIO_INFERENCE_ERRORS,
    (lease) => {
      lease.usage(plan.promptTokens, plan.completionTokens);
      if (body.stream !== true) {
        return runPlain(ctx, lease, {
          tokens: plan.completionTokens,
          body: (timings) => ({
            ...base,
            choices: [
              { index: 0, text: plan.text, logprobs: null, finish_reason: plan.finishReason },
            ],
            usage: openAiUsage(plan.promptTokens, plan.completionTokens),
            ...(api === 'v0' ? v0Extras(ctx, model.name, plan, timings) : {}),
          }),
          error: () => LMSTUDIO_INFERENCE_ERRORS.simulated(500),
        });
      }
      const chunk = (text: string, finish: string | null) =>
        sseData({ ...base, choices: [{ index: 0, text, logprobs: null, finish_reason: finish }] });
      return runStream(ctx, lease, {
        contentType: SSE_TYPE,
        headersEarly: true,
        stepCount: thinking + plan.pieces.length,
        step: (index) =>
          chunk(index < thinking ? '' : (plan.pieces[index - thinking] as string), null),
        tail: () => chunk('', plan.finishReason) + SSE_DONE,
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
    { keepAliveMs: ttlMs(body.ttl, sim.defaultKeepAliveMs), finishReason: plan.finishReason },
  );
}

/** `POST /v1/embeddings`, `/api/v0/embeddings`: strings, float or base64. */
export async function handleLmEmbeddings(ctx: RequestContext, api: 'v1' | 'v0'): Promise<void> {
  const { sim } = ctx;
  const body = await ctx.json();
  const model = lmFindModel(sim, body.model);
  const { input } = body;
  const inputs =
    typeof input === 'string'
      ? [input]
      : Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string')
        ? (input as string[])
        : undefined;
  if (!inputs) throw lmBadRequest("'input' must be a string or an array of strings", 'input');
  if (!isEmbeddingModel(model.name)) {
    throw lmBadRequest(`Model "${model.name}" is not an embedding model.`, 'model');
  }
  const base64 = body.encoding_format === 'base64';
  const promptTokens = api === 'v0' ? 0 : inputs.reduce((sum, text) => sum + countTokens(text), 0);

  await sim.runInference(
    ctx,
    model,
    LMSTUDIO_INFERENCE_ERRORS,
    (lease) => {
      lease.usage(promptTokens, 0);
      return runPlain(ctx, lease, {
        tokens: 1,
        body: () => ({
          object: 'list',
          data: inputs.map((text, index) => {
            const vector = embedText({ seed: sim.options.seed, model: model.name, text });
            return {
              object: 'embedding',
              embedding: base64 ? float32ToBase64(vector) : Array.from(vector),
              index,
            };
          }),
          // The v0 API names the quantisation too, and reports no prompt tokens (reference §2.3).
          model:
            api === 'v0' ? `${model.name}@${lmQuantization(model.name).toLowerCase()}` : model.name,
          usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
        }),
        error: () => LMSTUDIO_INFERENCE_ERRORS.simulated(500),
      });
    },
    { keepAliveMs: ttlMs(body.ttl, sim.defaultKeepAliveMs) },
  );
}
