import { runPlain, runStream } from '../core/generation-run.js';
import { planGeneration, type SimMessage, type SimTool } from '../core/generator.js';
import { NDJSON_TYPE, ndjsonLine as line, sendJson } from '../core/http-io.js';
import { isEmbeddingModel, supportsTools } from '../core/model-traits.js';
import type { RequestContext } from '../core/router.js';
import { rfc3339Nano } from '../core/timing.js';
import { NATIVE_INFERENCE_ERRORS, nativeError, simulatedMessage } from './ollama-errors.js';
import { readOllamaLogprobs } from './ollama-logprobs.js';
import { chatFinal, chatStep, chatStepCount } from './ollama-native-frames.js';
import {
  checkImages,
  checkThinking,
  findModel,
  keepAliveMs,
  numPredict,
  ollamaFullPath,
  parseFormat,
  parseThink,
  requireModelName,
  stopOption,
} from './ollama-request.js';
import { optionsSeed } from '../core/answer-seed.js';

/** `POST /api/chat` (reference §1.4), including the load and unload shortcuts. */
export async function handleChat(ctx: RequestContext): Promise<void> {
  const { sim } = ctx;
  const body = await ctx.json();
  const logprobs = readOllamaLogprobs(body, 'ChatRequest');
  const requested = requireModelName(body);
  const model = findModel(sim, requested);
  const keepAlive = keepAliveMs(body, sim.defaultKeepAliveMs);
  const messages = parseMessages(body.messages);

  if (messages.length === 0 && keepAlive === 0 && body.keep_alive !== undefined) {
    sim.registry.unload(model);
    return sendJson(ctx.res, 200, shortcut(requested, 'unload'));
  }
  const think = parseThink(body.think);
  checkThinking(requested, model, think);
  if (isEmbeddingModel(model.name)) throw nativeError(400, `"${requested}" does not support chat`);
  const tools = Array.isArray(body.tools) ? (body.tools as SimTool[]) : [];
  if (tools.length > 0 && !supportsTools(model.name)) {
    throw nativeError(400, `${ollamaFullPath(model.name)} does not support tools`);
  }
  if (messages.length === 0) {
    await sim.registry.load(model, keepAlive);
    return sendJson(ctx.res, 200, shortcut(requested, 'load'));
  }
  checkImages(
    model,
    messages.some((message) => (message.images?.length ?? 0) > 0),
  );
  const plan = planGeneration({
    seed: optionsSeed(body.options, sim.options.seed),
    model: model.name,
    messages,
    maxTokens: numPredict(body.options),
    stop: stopOption(body.options),
    answerTokens: sim.options.answerTokens,
    tools,
    ...(think !== undefined ? { think } : {}),
    format: parseFormat(body.format),
    logprobs,
  });

  await sim.runInference(
    ctx,
    model,
    NATIVE_INFERENCE_ERRORS,
    (lease) => {
      lease.usage(plan.promptTokens, plan.completionTokens);
      if (body.stream === false) {
        return runPlain(ctx, lease, {
          tokens: plan.completionTokens,
          body: (timings) => chatFinal(requested, plan, timings, true),
          error: () => NATIVE_INFERENCE_ERRORS.simulated(500),
        });
      }
      return runStream(ctx, lease, {
        contentType: NDJSON_TYPE,
        stepCount: chatStepCount(plan),
        step: (index) => chatStep(requested, plan, index),
        tail: (timings) => line(chatFinal(requested, plan, timings, false)),
        error: () => line({ error: simulatedMessage(500) }),
        malformed: `{"model":"${requested}","created_at":\n`,
      });
    },
    { keepAliveMs: keepAlive, finishReason: plan.finishReason },
  );
}

type OllamaMessage = SimMessage & { images?: string[] };

function parseMessages(value: unknown): OllamaMessage[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw nativeError(400, 'messages must be an array');
  return value.map((message: unknown) => {
    if (typeof message !== 'object' || message === null) {
      throw nativeError(400, 'each message must be an object');
    }
    const record = message as Record<string, unknown>;
    if (record.content !== undefined && typeof record.content !== 'string') {
      throw nativeError(
        400,
        'json: cannot unmarshal array into Go struct field Message.messages.content of type string',
      );
    }
    return {
      ...(record as object),
      role: typeof record.role === 'string' ? record.role.toLowerCase() : '',
    } as OllamaMessage;
  });
}

function shortcut(model: string, reason: 'load' | 'unload') {
  return {
    model,
    created_at: rfc3339Nano(),
    message: { role: 'assistant', content: '' },
    done: true,
    done_reason: reason,
  };
}
