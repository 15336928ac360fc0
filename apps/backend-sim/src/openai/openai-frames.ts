import type { GenerationPlan, PlannedToolCall } from '../core/generator.js';
import { splitPieces } from '../core/tokenizer.js';

/** One streamed step of a chat answer, independent of how a kind frames it. */
export type ChatStep =
  | { kind: 'reasoning'; text: string }
  | { kind: 'content'; text: string }
  | { kind: 'tool_call'; toolCall: Record<string, unknown> };

/**
 * The steps of an answer streamed the OpenAI way: reasoning pieces, answer pieces, then each
 * tool call as a header fragment (`id`, `type`, `name`, empty arguments) followed by one
 * fragment per token of its arguments — so the fragments concatenate to the arguments JSON and
 * their count matches the completion tokens.
 */
export function openAiChatSteps(
  plan: GenerationPlan,
  toolCallId: (call: PlannedToolCall) => string,
): ChatStep[] {
  const steps: ChatStep[] = [];
  for (const text of plan.thinkingPieces) steps.push({ kind: 'reasoning', text });
  for (const text of plan.pieces) steps.push({ kind: 'content', text });
  plan.toolCalls.forEach((call, index) => {
    steps.push({
      kind: 'tool_call',
      toolCall: {
        index,
        id: toolCallId(call),
        type: 'function',
        function: { name: call.name, arguments: '' },
      },
    });
    for (const fragment of splitPieces(call.argumentsJson)) {
      steps.push({ kind: 'tool_call', toolCall: { index, function: { arguments: fragment } } });
    }
  });
  return steps;
}

/** Whole tool calls for a non-streamed message (arguments as a JSON string). */
export function openAiToolCalls(
  plan: GenerationPlan,
  toolCallId: (call: PlannedToolCall) => string,
) {
  return plan.toolCalls.map((call) => ({
    id: toolCallId(call),
    type: 'function',
    function: { name: call.name, arguments: call.argumentsJson },
  }));
}

/** The `finish_reason` of an OpenAI-style answer. */
export function openAiFinishReason(plan: GenerationPlan): string {
  return plan.toolCalls.length > 0 ? 'tool_calls' : plan.finishReason;
}

export function openAiUsage(promptTokens: number, completionTokens: number) {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}
