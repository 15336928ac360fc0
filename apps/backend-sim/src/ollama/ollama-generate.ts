import { runPlain, runStream } from '../core/generation-run.js';
import { planGeneration } from '../core/generator.js';
import { NDJSON_TYPE, ndjsonLine as line, sendJson } from '../core/http-io.js';
import { isEmbeddingModel } from '../core/model-traits.js';
import type { RequestContext } from '../core/router.js';
import { rfc3339Nano } from '../core/timing.js';
import { NATIVE_INFERENCE_ERRORS, nativeError, simulatedMessage } from './ollama-errors.js';
import { readOllamaLogprobs } from './ollama-logprobs.js';
import { generateFinal, generateStep } from './ollama-native-frames.js';
import {
  checkImages,
  checkThinking,
  findModel,
  isStringArray,
  keepAliveMs,
  numPredict,
  parseFormat,
  parseThink,
  requireModelName,
  stopOption,
} from './ollama-request.js';
import { optionsSeed } from '../core/answer-seed.js';

/** `POST /api/generate` (reference §1.3), including the load and unload shortcuts. */
export async function handleGenerate(ctx: RequestContext): Promise<void> {
  const { sim } = ctx;
  const body = await ctx.json();
  const logprobs = readOllamaLogprobs(body, 'GenerateRequest');
  const requested = requireModelName(body);
  const model = findModel(sim, requested);
  const keepAlive = keepAliveMs(body, sim.defaultKeepAliveMs);
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';

  if (prompt === '' && keepAlive === 0 && body.keep_alive !== undefined) {
    sim.registry.unload(model);
    return sendJson(ctx.res, 200, shortcut(requested, 'unload'));
  }
  const think = parseThink(body.think);
  checkThinking(requested, model, think);
  if (isEmbeddingModel(model.name))
    throw nativeError(400, `"${requested}" does not support generate`);
  if (prompt === '') {
    await sim.registry.load(model, keepAlive);
    return sendJson(ctx.res, 200, shortcut(requested, 'load'));
  }
  const raw = body.raw === true;
  if (
    raw &&
    (body.template || body.system || (Array.isArray(body.context) && body.context.length))
  ) {
    throw nativeError(400, 'raw mode does not support template, system, or context');
  }
  checkImages(model, isStringArray(body.images) && body.images.length > 0);
  const plan = planGeneration({
    seed: optionsSeed(body.options, sim.options.seed),
    model: model.name,
    prompt,
    ...(typeof body.system === 'string' && body.system ? { system: body.system } : {}),
    maxTokens: numPredict(body.options),
    stop: stopOption(body.options),
    answerTokens: sim.options.answerTokens,
    ...(think !== undefined ? { think } : {}),
    format: parseFormat(body.format),
    logprobs,
  });
  const context = raw ? undefined : sim.tokenizer.encode(plan.promptText + plan.text);

  await sim.runInference(
    ctx,
    model,
    NATIVE_INFERENCE_ERRORS,
    (lease) => {
      lease.usage(plan.promptTokens, plan.completionTokens);
      if (body.stream === false) {
        return runPlain(ctx, lease, {
          tokens: plan.completionTokens,
          body: (timings) => generateFinal(requested, plan, timings, { full: true, context }),
          error: () => NATIVE_INFERENCE_ERRORS.simulated(500),
        });
      }
      return runStream(ctx, lease, {
        contentType: NDJSON_TYPE,
        stepCount: plan.thinkingPieces.length + plan.pieces.length,
        step: (index) => generateStep(requested, plan, index),
        tail: (timings) => line(generateFinal(requested, plan, timings, { full: false, context })),
        error: () => line({ error: simulatedMessage(500) }),
        malformed: `{"model":"${requested}","created_at":\n`,
      });
    },
    { keepAliveMs: keepAlive, finishReason: plan.finishReason },
  );
}

function shortcut(model: string, reason: 'load' | 'unload') {
  return { model, created_at: rfc3339Nano(), response: '', done: true, done_reason: reason };
}
