import {
  SwitchyardError,
  type ChatMessage,
  type ChatRequest,
  type CompletionRequest,
  type ContentPart,
  type ResponseFormat,
  type ToolChoice,
  type ToolDefinition,
} from '@switchyard/contracts';
import { logprobsRequestFields } from '../token-logprobs.translator.js';
import type {
  OpenAiChatMessage,
  OpenAiContentPart,
  OpenAiResponseFormat,
  OpenAiTool,
  OpenAiToolChoice,
} from './openai-wire.types.js';

/** The sampling fields chat and completion requests share. */
export type SamplingRequest = Pick<
  ChatRequest & CompletionRequest,
  | 'max_tokens'
  | 'temperature'
  | 'top_p'
  | 'top_k'
  | 'min_p'
  | 'seed'
  | 'stop'
  | 'presence_penalty'
  | 'frequency_penalty'
  | 'repeat_penalty'
  | 'logit_bias'
>;

/**
 * Canonical messages in OpenAI's shape. `developer` becomes `system` (local chat templates know
 * no `developer` role). Text-only content is sent as one string, parts joined with `\n` (what
 * chat templates do with text parts); content with images keeps its parts, images as base64
 * data URLs. Reasoning of earlier turns is not sent back: the format has no field for it.
 */
export function toOpenAiMessages(messages: readonly ChatMessage[]): OpenAiChatMessage[] {
  return messages.map((message) => {
    const role = message.role === 'developer' ? 'system' : message.role;
    const out: OpenAiChatMessage = { role, content: toOpenAiContent(message) };
    if (message.name !== undefined) out.name = message.name;
    if (message.tool_calls !== undefined && message.tool_calls.length > 0) {
      out.tool_calls = message.tool_calls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
    }
    if (message.tool_call_id !== undefined) out.tool_call_id = message.tool_call_id;
    return out;
  });
}

function toOpenAiContent(message: ChatMessage): string | OpenAiContentPart[] | null {
  const content = message.content;
  if (content === null) return message.role === 'assistant' && message.tool_calls ? null : '';
  if (typeof content === 'string') return content;
  if (!content.some((part) => part.type === 'image')) return joinText(content);
  return content.map((part): OpenAiContentPart =>
    part.type === 'text'
      ? { type: 'text', text: part.text }
      : { type: 'image_url', image_url: { url: imageDataUrl(part.data, part.media_type) } },
  );
}

/** The text parts of a content array as one string, joined with `\n`. */
export function joinText(parts: readonly ContentPart[]): string {
  return parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}

/** A base64 image as a data URL, guessing the media type from the bytes when it is not given. */
export function imageDataUrl(data: string, mediaType?: string): string {
  return `data:${mediaType ?? sniffImageType(data)};base64,${data}`;
}

// The base64 of each format's magic bytes.
const IMAGE_SIGNATURES: readonly [string, string][] = [
  ['iVBORw0KGgo', 'image/png'],
  ['/9j/', 'image/jpeg'],
  ['R0lGOD', 'image/gif'],
  ['UklGR', 'image/webp'],
];

function sniffImageType(data: string): string {
  return IMAGE_SIGNATURES.find(([prefix]) => data.startsWith(prefix))?.[1] ?? 'image/png';
}

/**
 * Tools and the tool choice in OpenAI's shape; `undefined` fields stay out of the body.
 */
export function toOpenAiTools(
  tools: readonly ToolDefinition[] | undefined,
  choice: ToolChoice | undefined,
): { tools?: OpenAiTool[]; tool_choice?: OpenAiToolChoice } {
  const out: { tools?: OpenAiTool[]; tool_choice?: OpenAiToolChoice } = {};
  if (tools !== undefined && tools.length > 0) {
    out.tools = tools.map((tool) => ({
      type: 'function',
      function: compact({
        name: tool.name,
        description: tool.description,
        parameters: tool.parameters,
        strict: tool.strict,
      }) as OpenAiTool['function'],
    }));
  }
  if (choice !== undefined) {
    out.tool_choice =
      typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
  }
  return out;
}

export function toOpenAiResponseFormat(
  format: ResponseFormat | undefined,
): OpenAiResponseFormat | undefined {
  if (format === undefined || format.type !== 'json_schema') return format;
  return {
    type: 'json_schema',
    json_schema: compact({
      name: format.name ?? 'response',
      schema: format.schema,
      strict: format.strict,
    }) as { name: string; schema: Record<string, unknown>; strict?: boolean },
  };
}

/** What one OpenAI-compatible server does its own way in the chat and completion bodies. */
export interface OpenAiBodyRules {
  /** The server's name, in refusals. */
  readonly server: string;
  /** OpenAI's sampling fields plus the server's names for the others. */
  sampling(request: SamplingRequest): Record<string, unknown>;
  /** The request's passthrough options for this kind of server (`options.vllm`…). */
  passthrough(request: ChatRequest | CompletionRequest): Record<string, unknown> | undefined;
  /** Fields the passthrough cannot override: they decide what the request is and how it is read. */
  readonly ownKeys: readonly string[];
}

/**
 * A chat body: messages, streaming, sampling, log-probabilities and tools as every such server
 * takes them, `extra` (the server's structured-output and reasoning fields; `undefined` ones left
 * out), and the passthrough options merged over it.
 */
export function openAiChatBody(
  request: ChatRequest,
  rules: OpenAiBodyRules,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const body = {
    model: request.model,
    messages: toOpenAiMessages(request.messages),
    ...openAiStreaming(request),
    ...rules.sampling(request),
    ...logprobsRequestFields(request.logprobs),
    ...toOpenAiTools(request.tools, request.tool_choice),
    ...compact(extra),
  };
  return mergePassthrough(body, rules.passthrough(request), rules.ownKeys);
}

/**
 * A completion body (the completion route applies no template). These servers take no suffix, so
 * one is refused rather than dropped. A completion that asks for what only chats do goes as a
 * chat instead (`completionAsChat`) before it gets here.
 */
export function openAiCompletionBody(
  request: CompletionRequest,
  rules: OpenAiBodyRules,
): Record<string, unknown> {
  if (request.suffix !== undefined) {
    throw new SwitchyardError(
      'unsupported',
      `${rules.server} completions do not support a suffix`,
      {
        details: { param: 'suffix' },
      },
    );
  }
  const body = {
    model: request.model,
    prompt: request.prompt,
    ...openAiStreaming(request),
    ...rules.sampling(request),
    // A completion's `logprobs` is already the number of alternatives.
    ...compact({ logprobs: request.logprobs }),
  };
  return mergePassthrough(body, rules.passthrough(request), rules.ownKeys);
}

/**
 * How the answer is asked for: streamed with a usage chunk, or (for a caller that joins it
 * anyway, `stream: false`) as one body. `stream_options` goes only with a stream: vLLM rejects it
 * otherwise.
 */
export function openAiStreaming(request: {
  stream?: boolean | undefined;
}): { stream: true; stream_options: { include_usage: true } } | { stream: false } {
  return request.stream === false
    ? { stream: false }
    : { stream: true, stream_options: { include_usage: true } };
}

/** The standard OpenAI sampling fields; each kind adds its own names for the others. */
export function openAiSampling(request: SamplingRequest): Record<string, unknown> {
  return compact({
    max_tokens: request.max_tokens,
    temperature: request.temperature,
    top_p: request.top_p,
    seed: request.seed,
    stop: request.stop,
    presence_penalty: request.presence_penalty,
    frequency_penalty: request.frequency_penalty,
    logit_bias: request.logit_bias,
  });
}

/**
 * OpenAI's `reasoning_effort` has `low`, `medium` and `high`: `max` asks for the most there is
 * and `none` has no value to send (the caller switches thinking off its own way, if it can).
 */
export function openAiReasoningEffort(
  effort: ChatRequest['reasoning_effort'],
): 'low' | 'medium' | 'high' | undefined {
  if (effort === undefined || effort === 'none') return undefined;
  return effort === 'max' ? 'high' : effort;
}

/**
 * A body with the caller's backend-specific passthrough merged over it, except for the fields
 * that decide what the request is and how it is read back, which stay ours.
 */
export function mergePassthrough(
  body: Record<string, unknown>,
  passthrough: Record<string, unknown> | undefined,
  protectedKeys: readonly string[],
): Record<string, unknown> {
  if (passthrough === undefined) return body;
  const merged = Object.assign({}, body);
  for (const [key, value] of Object.entries(passthrough)) {
    if (!protectedKeys.includes(key)) merged[key] = value;
  }
  return merged;
}

/** The object without its `undefined` fields, so a body holds only what was asked for. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) (out as Record<string, unknown>)[key] = field;
  }
  return out;
}
