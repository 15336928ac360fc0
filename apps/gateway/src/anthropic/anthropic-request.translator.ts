import {
  chatRequestSchema,
  type ChatMessage,
  type ChatRequest,
  type ContentPart,
  type ResponseFormat,
  type ToolCall,
  type ToolChoice,
  type ToolDefinition,
} from '@switchyard/contracts';
import type { z } from 'zod';
import { badField, parseBody, parseField } from '../http/bad-request.js';
import { canonicalStream, checked, textAndImages, typeOf } from '../http/canonical-request.js';
import { defined } from '../http/defined.js';
import {
  anthropicBodySchema,
  anthropicToolSchema,
  base64SourceSchema,
  contentBlockSchemas,
  type AnthropicBody,
  type AnthropicEffort,
  type AnthropicMessage,
} from './anthropic-request.schemas.js';

/** An Anthropic request as a canonical chat. */
export interface TranslatedMessagesRequest {
  model: unknown;
  stream: boolean;
  /** The canonical chat request without the fields routing fills in. */
  body: Record<string, unknown>;
}

/**
 * `POST /v1/messages` (Anthropic's Messages API) as a canonical chat request: `system` first, as
 * a system message; each user turn's `tool_result` blocks as tool messages, then its text and
 * images; each assistant turn's text, `tool_use` blocks as tool calls and `thinking` as its
 * reasoning; system messages in the conversation where they stand; custom tools as tools;
 * `output_config.format` as the answer's JSON schema. What needs Anthropic's own services (its
 * server tools, MCP servers, containers, documents by file) is refused, naming the field.
 */
export function translateMessagesRequest(raw: unknown): TranslatedMessagesRequest {
  const body = parseBody(anthropicBodySchema, raw);
  if (body.mcp_servers != null) {
    throw badField('MCP servers are not supported: Switchyard calls no tools', 'mcp_servers');
  }
  if (body.container != null) {
    throw badField('containers are not supported: Switchyard runs no code', 'container');
  }
  const streams = body.stream === true;
  const lastUserTurn = body.messages.findLastIndex((message) => message.role === 'user');
  const canonical = defined({
    messages: [
      ...systemMessages(body.system),
      ...body.messages.flatMap((message, i) =>
        clearedBefore(message, i, lastUserTurn) ? [] : chatMessages(message, i),
      ),
    ],
    tools: body.tools?.map(customTool),
    tool_choice: toolChoice(body.tool_choice),
    parallel_tool_calls: oneToolUse(body.tool_choice) ? false : undefined,
    response_format: responseFormat(body.output_config?.format),
    reasoning_effort: effortOf(body.thinking, body.output_config?.effort),
    stream: canonicalStream(streams),
    max_tokens: body.max_tokens,
    temperature: body.temperature,
    top_p: body.top_p,
    top_k: body.top_k,
    stop: body.stop_sequences,
  });
  return {
    model: body.model,
    stream: streams,
    body: checked(chatRequestSchema, canonical, { stop: 'stop_sequences' }),
  };
}

function systemMessages(system: AnthropicBody['system']): ChatMessage[] {
  if (system === undefined) return [];
  const text = typeof system === 'string' ? system : system.map((block) => block.text).join('\n');
  return text === '' ? [] : [{ role: 'system', content: text }];
}

/** A system message that asked to be shown only until the next user turn, which has come. */
function clearedBefore(message: AnthropicMessage, index: number, lastUserTurn: number): boolean {
  return (
    message.role === 'system' && message.clear_at === 'next_user_message' && index < lastUserTurn
  );
}

function chatMessages(message: AnthropicMessage, index: number): ChatMessage[] {
  const param = `messages[${index}].content`;
  if (message.role === 'system') return systemMessages(systemText(message.content, param));
  if (typeof message.content === 'string') {
    return [{ role: message.role, content: message.content }];
  }
  return message.role === 'user'
    ? userTurn(message.content, param)
    : [assistantTurn(message.content, param)];
}

/** A system message of the conversation: its text, or its text blocks' joined. */
function systemText(content: AnthropicMessage['content'], param: string): string {
  if (typeof content === 'string') return content;
  const texts = content.map((raw, j) => {
    const at = `${param}[${j}]`;
    const type = typeOf(raw, 'undefined');
    if (type !== 'text') throw unsupportedBlock(type, `${at}.type`, 'system');
    return parseField(contentBlockSchemas.text, raw, [at]).text;
  });
  return texts.join('\n');
}

/**
 * A tool result Anthropic's client marked `is_error`, as the model reads it. The canonical tool
 * message (OpenAI's, Ollama's) has no such flag, and a failure's text alone (`No such file`) may
 * read as a result; the words say it failed, as the flag tells Claude.
 */
function failedToolText(text: string): string {
  return text === '' ? 'Error: the tool failed.' : `Error: ${text}`;
}

/**
 * A user turn: the results of the tools it answers, then what the user said. A tool result's
 * images (a screenshot, an image file read) follow in the user message: the chat APIs of the
 * backends take images from users only.
 */
function userTurn(blocks: readonly unknown[], param: string): ChatMessage[] {
  const results: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  blocks.forEach((raw, j) => {
    const at = `${param}[${j}]`;
    const type = typeOf(raw, 'undefined');
    if (type === 'tool_result') {
      const block = parseField(contentBlockSchemas.tool_result, raw, [at]);
      const result = textAndImages(toolResultParts(block.content, `${at}.content`));
      const content = block.is_error === true ? failedToolText(result.text) : result.text;
      results.push({ role: 'tool', tool_call_id: block.tool_use_id, content });
      parts.push(...result.images);
    } else if (type === 'text') {
      parts.push({ type: 'text', text: parseField(contentBlockSchemas.text, raw, [at]).text });
    } else if (type === 'image') {
      parts.push(imagePart(parseField(contentBlockSchemas.image, raw, [at]).source, at));
    } else {
      throw unsupportedBlock(type, `${at}.type`, 'user');
    }
  });
  return parts.length === 0 ? results : [...results, { role: 'user', content: parts }];
}

/** An assistant turn: its text, its tool calls and its thinking, as one message. */
function assistantTurn(blocks: readonly unknown[], param: string): ChatMessage {
  let text = '';
  let reasoning = '';
  const calls: ToolCall[] = [];
  blocks.forEach((raw, j) => {
    const at = `${param}[${j}]`;
    const type = typeOf(raw, 'undefined');
    if (type === 'text') text += parseField(contentBlockSchemas.text, raw, [at]).text;
    else if (type === 'thinking') {
      reasoning += parseField(contentBlockSchemas.thinking, raw, [at]).thinking;
    } else if (type === 'tool_use') {
      const block = parseField(contentBlockSchemas.tool_use, raw, [at]);
      calls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
    } else if (type !== 'redacted_thinking') {
      // Redacted thinking is Anthropic's own ciphertext: nothing a local model can read.
      throw unsupportedBlock(type, `${at}.type`, 'assistant');
    }
  });
  return defined({
    role: 'assistant' as const,
    content: text === '' && calls.length > 0 ? null : text,
    tool_calls: calls.length > 0 ? calls : undefined,
    reasoning: reasoning === '' ? undefined : reasoning,
  });
}

/** A tool result's parts: its text blocks as text, its image blocks as images. */
function toolResultParts(
  content: z.infer<typeof contentBlockSchemas.tool_result>['content'],
  param: string,
): string | ContentPart[] {
  if (content === undefined || typeof content === 'string') return content ?? '';
  return content.map((block, i) =>
    block.type === 'text'
      ? { type: 'text', text: block.text }
      : imagePart(block.source, `${param}[${i}]`),
  );
}

function imagePart(
  source: z.infer<typeof contentBlockSchemas.image>['source'],
  param: string,
): ContentPart {
  const base64 = base64SourceSchema.safeParse(source);
  if (!base64.success) {
    throw badField(
      'images must be base64 sources (source.type "base64"); the gateway fetches no URLs or files',
      `${param}.source`,
    );
  }
  return { type: 'image', media_type: base64.data.media_type, data: base64.data.data };
}

function customTool(raw: unknown, index: number): ToolDefinition {
  const type = typeOf(raw, 'custom');
  if (type !== 'custom') {
    throw badField(
      `tools of type "${type}" are not supported: only custom tools (name, input_schema), which the caller runs`,
      `tools[${index}].type`,
    );
  }
  const { name, description, input_schema } = parseField(anthropicToolSchema, raw, [
    'tools',
    index,
  ]);
  return defined({ name, description, parameters: input_schema });
}

function toolChoice(choice: AnthropicBody['tool_choice']): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice.type === 'any') return 'required';
  if (choice.type === 'tool') return { name: choice.name };
  return choice.type;
}

/** `disable_parallel_tool_use`: at most one `tool_use` block in the answer. */
function oneToolUse(choice: AnthropicBody['tool_choice']): boolean {
  return choice !== undefined && 'disable_parallel_tool_use' in choice
    ? choice.disable_parallel_tool_use === true
    : false;
}

function responseFormat(
  format: NonNullable<AnthropicBody['output_config']>['format'],
): ResponseFormat | undefined {
  return format == null ? undefined : { type: 'json_schema', schema: format.schema };
}

/** Anthropic's efforts as the canonical ones, which stop at `high` below `max`. */
const CANONICAL_EFFORT = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
  max: 'max',
} as const satisfies Record<AnthropicEffort, ChatRequest['reasoning_effort']>;

/**
 * Anthropic asks for thinking with a token budget, or an `output_config.effort`; local models
 * take an effort for their thinking only. Thinking asked for (`enabled`) thinks at the effort
 * given, or else at one chosen by the budget's size. Otherwise the effort is left out: on
 * Anthropic's API it tunes the whole answer, and a local model that cannot think refuses any
 * effort (Ollama answers 400 "does not support thinking"), so clients that send one with every
 * request (Claude Code does) would fail on every such model. `adaptive` (the model decides)
 * leaves the model's default; `disabled` switches thinking off.
 */
function effortOf(
  thinking: AnthropicBody['thinking'],
  effort: AnthropicEffort | null | undefined,
): ChatRequest['reasoning_effort'] {
  if (thinking === undefined || thinking.type === 'adaptive') return undefined;
  if (thinking.type === 'disabled') return 'none';
  if (effort != null) return CANONICAL_EFFORT[effort];
  if (thinking.budget_tokens <= 2_048) return 'low';
  if (thinking.budget_tokens <= 8_192) return 'medium';
  return 'high';
}

function unsupportedBlock(type: string, param: string, role: string): Error {
  return badField(`${role} content blocks of type "${type}" are not supported`, param);
}
