import type { ChatRequest, ToolDefinition } from '@switchyard/contracts';
import type { GenerationEvent } from '@switchyard/worker-runtime';
import { newToolCallId } from './ollama-stream.translator.js';

// Ollama has no `tool_choice`: it cannot be made to call a tool. It can be made to answer in a
// JSON schema (`format`, which it holds the model to with a grammar), and a function's call is
// nothing but an answer in its parameters' schema. So a request that forces a call is asked for
// an answer in a call's schema, and the answer comes back as the call.

/**
 * The call a request forces: one function (the one `tool_choice` names, or the only tool when a
 * call is `required`), or any of several (`required` with several tools).
 */
export type ForcedCall =
  | { readonly kind: 'one'; readonly tool: ToolDefinition }
  | { readonly kind: 'any'; readonly tools: readonly ToolDefinition[] };

export function forcedCall(request: ChatRequest): ForcedCall | undefined {
  const { tools, tool_choice: choice } = request;
  if (tools === undefined || tools.length === 0) return undefined;
  if (typeof choice === 'object') {
    const tool = tools.find((candidate) => candidate.name === choice.name);
    return tool === undefined ? undefined : { kind: 'one', tool };
  }
  if (choice !== 'required') return undefined;
  const [only] = tools;
  return tools.length === 1 && only !== undefined
    ? { kind: 'one', tool: only }
    : { kind: 'any', tools };
}

/**
 * The schema a forced call is answered in. One function: its parameters (any object without).
 * Any of several: one of `{"name": <that function>, "arguments": <its parameters>}` (`anyOf` and
 * `const`, which Ollama's grammar from a schema supports), the name first so that it is written
 * first.
 */
export function forcedCallFormat(forced: ForcedCall): Record<string, unknown> {
  if (forced.kind === 'one') return parametersOf(forced.tool);
  return {
    anyOf: forced.tools.map((tool) => ({
      type: 'object',
      properties: { name: { const: tool.name }, arguments: parametersOf(tool) },
      required: ['name', 'arguments'],
    })),
  };
}

/** An answer in a forced call's schema as that call (see {@link forcedCallFormat}). */
export function asForcedCall(
  events: AsyncIterable<GenerationEvent>,
  forced: ForcedCall,
): AsyncGenerator<GenerationEvent> {
  return forced.kind === 'one' ? asCallOf(events, forced.tool) : asCallOfAny(events, forced.tools);
}

/**
 * One function's call: the answer's text is its arguments, streamed as they come (the first piece
 * opens the call with an id and the name), and a finished answer finishes for the call. Text
 * logprobs go with the text: a call's tokens have none in the protocol. Reasoning passes as it is.
 */
async function* asCallOf(
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
      yield Object.assign({}, rest, { tool_calls: [call] });
    } else if (event.type === 'end' && event.finish_reason === 'stop' && opened) {
      yield Object.assign({}, event, { finish_reason: 'tool_calls' });
    } else {
      yield event;
    }
  }
}

/**
 * The call of any of several functions. Which one is known only once the name is written, so the
 * text is held to the end (bounded as the answer is, by the request's token limit or the
 * model's context) and goes out as one whole call, as Ollama sends its own tool calls. An answer
 * that is not such a call (cut at its limit, or a function that was not offered) goes out as the
 * text it is, with its finish reason, so nothing is lost. Reasoning passes as it comes.
 */
async function* asCallOfAny(
  events: AsyncIterable<GenerationEvent>,
  tools: readonly ToolDefinition[],
): AsyncGenerator<GenerationEvent> {
  const held: Extract<GenerationEvent, { type: 'delta' }>[] = [];
  for await (const event of events) {
    if (event.type === 'delta' && event.text) {
      const { reasoning, text, logprobs } = event;
      if (reasoning !== undefined) yield { type: 'delta', reasoning };
      held.push(
        logprobs === undefined ? { type: 'delta', text } : { type: 'delta', text, logprobs },
      );
    } else if (event.type === 'end') {
      const text = held.map((delta) => delta.text).join('');
      const call = event.finish_reason === 'stop' ? callIn(text, tools) : undefined;
      if (call !== undefined) {
        yield { type: 'delta', tool_calls: [{ index: 0, id: newToolCallId(), ...call }] };
        yield Object.assign({}, event, { finish_reason: 'tool_calls' });
        return;
      }
      yield* held;
      yield event;
      return;
    } else {
      yield event;
    }
  }
}

/** The call an answer in the `anyOf` schema names, if it names an offered function. */
function callIn(
  text: string,
  tools: readonly ToolDefinition[],
): { name: string; arguments: string } | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof answer !== 'object' || answer === null) return undefined;
  const { name, arguments: args } = answer as { name?: unknown; arguments?: unknown };
  if (typeof name !== 'string' || !tools.some((tool) => tool.name === name)) return undefined;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return undefined;
  return { name, arguments: JSON.stringify(args) };
}

/**
 * A function's parameters as the schema of its arguments: an object, also where the schema leaves
 * the type out (`{}`, which would let the model answer any JSON value at all).
 */
function parametersOf(tool: ToolDefinition): Record<string, unknown> {
  const parameters = tool.parameters ?? {};
  return 'type' in parameters ? parameters : { type: 'object', ...parameters };
}
