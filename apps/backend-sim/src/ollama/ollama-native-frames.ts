import type { GenerationTimings } from '../core/generation-run.js';
import type { GenerationPlan, PlannedToolCall } from '../core/generator.js';
import { ndjsonLine as line } from '../core/http-io.js';
import { rfc3339Nano } from '../core/timing.js';
import { ollamaLogprobsField } from './ollama-logprobs.js';

/** Ollama's metrics: every field omitempty, so zero values are absent rather than 0. */
export function ollamaMetrics(
  plan: GenerationPlan,
  timings: GenerationTimings,
): Record<string, number> {
  const metrics: Record<string, number> = {};
  const put = (key: string, value: number) => {
    if (value > 0) metrics[key] = Math.round(value);
  };
  put('total_duration', timings.totalNs);
  put('load_duration', timings.loadNs);
  put('prompt_eval_count', plan.promptTokens);
  put('prompt_eval_duration', timings.promptEvalNs);
  put('eval_count', plan.completionTokens);
  put('eval_duration', timings.evalNs);
  return metrics;
}

/** Native tool calls: whole calls, arguments as a JSON object, ids `call_` + 8 alphanumerics. */
export function ollamaToolCalls(calls: readonly PlannedToolCall[]) {
  return calls.map((call, index) => ({
    id: `call_${call.id}`,
    function: { index, name: call.name, arguments: call.arguments },
  }));
}

/** The streamed steps of a chat answer: thinking pieces, answer pieces, then the tool calls. */
export function chatStep(model: string, plan: GenerationPlan, index: number): string {
  const thinking = plan.thinkingPieces.length;
  let message: Record<string, unknown>;
  let logprobs = {};
  if (index < thinking) {
    message = { role: 'assistant', content: '', thinking: plan.thinkingPieces[index] };
  } else if (index < thinking + plan.pieces.length) {
    message = { role: 'assistant', content: plan.pieces[index - thinking] };
    logprobs = ollamaLogprobsField(plan, index - thinking);
  } else {
    message = { role: 'assistant', content: '', tool_calls: ollamaToolCalls(plan.toolCalls) };
  }
  return line({ model, created_at: rfc3339Nano(), message, done: false, ...logprobs });
}

export function chatStepCount(plan: GenerationPlan): number {
  return plan.thinkingPieces.length + plan.pieces.length + (plan.toolCalls.length > 0 ? 1 : 0);
}

/** The last chat object; `full` carries the whole answer (non-streaming). */
export function chatFinal(
  model: string,
  plan: GenerationPlan,
  timings: GenerationTimings,
  full: boolean,
) {
  const message: Record<string, unknown> = { role: 'assistant', content: full ? plan.text : '' };
  if (full && plan.thinking) message.thinking = plan.thinking;
  if (full && plan.toolCalls.length > 0) message.tool_calls = ollamaToolCalls(plan.toolCalls);
  return {
    model,
    created_at: rfc3339Nano(),
    message,
    done: true,
    done_reason: ollamaDoneReason(plan),
    ...(full ? ollamaLogprobsField(plan) : {}),
    ...ollamaMetrics(plan, timings),
  };
}

export function generateStep(model: string, plan: GenerationPlan, index: number): string {
  const thinking = plan.thinkingPieces.length;
  const chunk: Record<string, unknown> = { model, created_at: rfc3339Nano() };
  if (index < thinking) {
    chunk.response = '';
    chunk.thinking = plan.thinkingPieces[index];
  } else {
    chunk.response = plan.pieces[index - thinking];
  }
  chunk.done = false;
  return line({
    ...chunk,
    ...(index < thinking ? {} : ollamaLogprobsField(plan, index - thinking)),
  });
}

/** The last generate object; `context` is the prompt and answer as token ids (absent when raw). */
export function generateFinal(
  model: string,
  plan: GenerationPlan,
  timings: GenerationTimings,
  options: { full: boolean; context?: number[] },
) {
  const final: Record<string, unknown> = {
    model,
    created_at: rfc3339Nano(),
    response: options.full ? plan.text : '',
  };
  if (options.full && plan.thinking) final.thinking = plan.thinking;
  final.done = true;
  final.done_reason = ollamaDoneReason(plan);
  if (options.context && options.context.length > 0) final.context = options.context;
  return {
    ...final,
    ...ollamaMetrics(plan, timings),
    ...(options.full ? ollamaLogprobsField(plan) : {}),
  };
}

/** Ollama never says `tool_calls`: a tool call ends with `stop`. */
export function ollamaDoneReason(plan: GenerationPlan): string {
  return plan.finishReason === 'length' ? 'length' : 'stop';
}
