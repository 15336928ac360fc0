import type { GenerationPlan } from '../core/generator.js';
import type { SimModel } from '../core/model-registry.js';
import type { RequestContext } from '../core/router.js';
import { badRequest, modelDoesNotExist, vllmError } from './vllm-errors.js';

/** POST bodies must be declared JSON, or FastAPI's guard answers 415. */
export async function vllmJson(ctx: RequestContext): Promise<Record<string, unknown>> {
  const type = ctx.req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw vllmError(
      415,
      'Unsupported Media Type',
      "Unsupported Media Type: Only 'application/json' is allowed",
    );
  }
  return ctx.json();
}

/** The served model a request names; newer vLLM uses the first served model when none is named. */
export function vllmModel(ctx: RequestContext, requested: unknown): SimModel {
  const registry = ctx.sim.registry;
  if (requested === undefined || requested === null) return registry.list()[0] as SimModel;
  const model = typeof requested === 'string' ? registry.find(requested) : undefined;
  if (!model) throw modelDoesNotExist(String(requested));
  return model;
}

/**
 * max_tokens defaults to what is left of the context; a prompt plus max_tokens above
 * max_model_len is a 400 (the pre-0.10 wording, reference §3.4).
 */
export function checkContextLength(
  ctx: RequestContext,
  promptTokens: number,
  maxTokens: number | undefined,
): number {
  const limit = ctx.sim.options.contextLength;
  const requested = maxTokens ?? Math.max(0, limit - promptTokens);
  if (promptTokens + requested > limit || promptTokens >= limit) {
    throw badRequest(
      `This model's maximum context length is ${limit} tokens. However, you requested ${promptTokens + requested} tokens (${promptTokens} in the messages, ${requested} in the completion). Please reduce the length of the messages or completion.`,
    );
  }
  return requested;
}

/** A vLLM request id: 32 hex characters, or the client's X-Request-Id. */
export function requestId(ctx: RequestContext): string {
  const header = ctx.req.headers['x-request-id'];
  if (typeof header === 'string' && header) return header;
  let id = '';
  for (let i = 0; i < 32; i++) id += Math.floor(Math.random() * 16).toString(16);
  return id;
}

/** `stop_reason`: the stop string that ended the answer, null for the end of text or length. */
export function vllmStopReason(plan: GenerationPlan): string | null {
  return plan.stopSequence ?? null;
}
