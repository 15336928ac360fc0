import type { SimMessage, SimTool, SimToolChoice } from '../core/generator.js';
import type { JsonSchema } from '../core/schema-values.js';
import type { SimHttpError } from '../core/sim-errors.js';
import type { SimTokenizer } from '../core/tokenizer.js';

/** Builds a kind's 400 for a bad field (`param` names it where the kind reports one). */
export type BadRequest = (message: string, param?: string) => SimHttpError;

/** The parts of an OpenAI chat request the simulators read (reference §4.1). */
export interface OpenAiChatRequest {
  model?: string;
  messages: SimMessage[];
  stream: boolean;
  /** Whether `stream_options` was sent at all (vLLM switches usage on by its mere presence). */
  streamOptions?: { include_usage?: unknown; [key: string]: unknown };
  maxTokens?: number;
  stop?: string[];
  tools: SimTool[];
  toolChoice: SimToolChoice;
  responseFormat?: { type?: unknown; json_schema?: { schema?: unknown } };
  /** The `url` of every image part, in order. */
  imageUrls: string[];
  reasoningEffort?: string;
}

export function readChatRequest(body: Record<string, unknown>, bad: BadRequest): OpenAiChatRequest {
  const { messages } = body;
  if (!Array.isArray(messages)) throw bad("'messages' is a required property", 'messages');
  const imageUrls: string[] = [];
  for (const message of messages) {
    if (typeof message !== 'object' || message === null || typeof message.role !== 'string') {
      throw bad('each message must be an object with a role', 'messages');
    }
    if (Array.isArray(message.content)) {
      for (const part of message.content as { type?: string; image_url?: { url?: unknown } }[]) {
        if (part?.type === 'image_url') imageUrls.push(String(part.image_url?.url ?? ''));
      }
    }
  }
  return {
    ...(typeof body.model === 'string' ? { model: body.model } : {}),
    messages: messages as SimMessage[],
    imageUrls,
    stream: body.stream === true,
    ...(isObject(body.stream_options) ? { streamOptions: body.stream_options } : {}),
    ...optional('maxTokens', readMaxTokens(body.max_completion_tokens ?? body.max_tokens, bad)),
    ...optional('stop', readStop(body.stop, bad)),
    tools: Array.isArray(body.tools) ? (body.tools as SimTool[]) : [],
    toolChoice: body.tool_choice as SimToolChoice,
    ...(isObject(body.response_format)
      ? { responseFormat: body.response_format as OpenAiChatRequest['responseFormat'] }
      : {}),
    ...(typeof body.reasoning_effort === 'string'
      ? { reasoningEffort: body.reasoning_effort }
      : {}),
  };
}

/** `response_format` as the generator's structured-output `format`. */
export function formatFromResponseFormat(
  responseFormat: OpenAiChatRequest['responseFormat'],
): 'json' | JsonSchema | null {
  if (responseFormat?.type === 'json_object') return 'json';
  if (responseFormat?.type === 'json_schema') {
    const schema = responseFormat.json_schema?.schema;
    return isObject(schema) ? (schema as JsonSchema) : 'json';
  }
  return null;
}

/**
 * The prompts of a legacy completion: a string, strings, token ids or lists of token ids (ids
 * are decoded with the simulator's tokenizer). Undefined when the shape is none of these.
 */
export function readPrompts(prompt: unknown, tokenizer: SimTokenizer): string[] | undefined {
  if (typeof prompt === 'string') return [prompt];
  if (!Array.isArray(prompt) || prompt.length === 0) return undefined;
  if (prompt.every((item) => typeof item === 'string')) return prompt as string[];
  if (prompt.every((item) => Number.isInteger(item))) return [tokenizer.decode(prompt as number[])];
  if (prompt.every((item) => Array.isArray(item) && item.every((id) => Number.isInteger(id)))) {
    return (prompt as number[][]).map((ids) => tokenizer.decode(ids));
  }
  return undefined;
}

/** Embedding inputs, with the same four shapes as completion prompts. */
export const readEmbeddingInputs = readPrompts;

/** `max_tokens` (or another integer field): undefined when absent, the kind's 400 when not an integer. */
export function readMaxTokens(
  value: unknown,
  bad: BadRequest,
  field = 'max_tokens',
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw bad(`${field} must be an integer`, field);
  }
  return value;
}

/**
 * `stop` of a chat or completion: a string or an array of strings (reference §4.1), as an
 * array; undefined when absent, the kind's 400 otherwise.
 */
export function readStop(value: unknown, bad: BadRequest): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  throw bad('stop must be a string or an array of strings', 'stop');
}

/** `{ [key]: value }`, or `{}` when value is undefined (exactOptionalPropertyTypes-friendly). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
