import type { ChatRequest, ToolDefinition } from '@switchyard/contracts';
import type { GenerationEvent } from '@switchyard/worker-runtime';
import { newToolCallId } from './ollama-stream.translator.js';

// Ollama has no `tool_choice`: it cannot be made to call a tool. It can be made to answer in a
// JSON schema (`format`, which it holds the model to with a grammar), and a function's call is
// nothing but an answer in its parameters' schema. So a request that forces one function is
// asked for an answer in that function's parameters, and the answer comes back as the call.

/**
 * The one function a request forces: the one `tool_choice` names, or the only tool when a call
 * is `required`. With several tools and `required` there is no one schema to answer in: those are
 * all offered, and the model may answer without a call.
 */
export function forcedFunction(request: ChatRequest): ToolDefinition | undefined {
  const { tools, tool_choice: choice } = request;
  if (tools === undefined || tools.length === 0) return undefined;
  if (typeof choice === 'object') return tools.find((tool) => tool.name === choice.name);
  return choice === 'required' && tools.length === 1 ? tools[0] : undefined;
}

/** The schema a forced function's call is answered in: its parameters (any object without). */
export function forcedCallFormat(tool: ToolDefinition): Record<string, unknown> {
  return tool.parameters ?? { type: 'object' };
}

/**
 * An answer in a forced function's parameters as that function's call: its text the call's
 * arguments, streamed as they come (the first piece opens the call with an id and the name), and
 * a finished answer finished for the call. Text logprobs go with the text: a call's tokens have
 * none in the protocol. Reasoning passes as it is.
 */
export async function* asForcedCall(
  events: AsyncIterable<GenerationEvent>,
  tool: ToolDefinition,
): AsyncGenerator<GenerationEvent> {
  let opened = false;
  for await (const event of events) {
    if (event.type === 'delta' && event.text) {
      const { text, logprobs: _noneForCalls, ...rest } = event;
      const call = opened
        ? { index: 0, arguments: text }
        : { index: 0, id: newToolCallId(), name: tool.name, arguments: text };
      opened = true;
      yield { ...rest, tool_calls: [call] };
    } else if (event.type === 'end' && event.finish_reason === 'stop' && opened) {
      yield { ...event, finish_reason: 'tool_calls' };
    } else {
      yield event;
    }
  }
}
