import {
  chatRequestSchema,
  completionRequestSchema,
  embeddingRequestSchema,
  MAX_EMBEDDING_INPUTS,
  MAX_TOKEN_IDS,
  tokenIdsSchema,
  type ChatMessage,
  type ContentPart,
  type ResponseFormat,
  type ToolChoice,
} from '@switchyard/contracts';
import { badField, parseBody } from '../http/bad-request.js';
import { canonicalStream, canonicalTopK, checked } from '../http/canonical-request.js';
import { defined } from '../http/defined.js';
import { MAX_CHOICES, type ChoiceRequest } from './openai-choices.js';
import {
  openAIChatBodySchema,
  openAICompletionBodySchema,
  openAIEmbeddingBodySchema,
  type OpenAIChatBody,
  type OpenAIContentPart,
  type OpenAIMessage,
} from './openai-request.schemas.js';

/** A translated request: the client's model name, how to answer, and the canonical body. */
export interface TranslatedRequest {
  model: unknown;
  stream: boolean;
  includeUsage: boolean;
  /**
   * The canonical request without `id`, `model` and `timeout_ms`, which routing adds; of the
   * first choice, where the client asked for more than one.
   */
  body: Record<string, unknown>;
  /** The answers asked for: `n`, and a completion's prompts when it sent several. */
  choices: ChoiceRequest;
  /** The field the client set the output limit with, for errors about it. */
  maxTokensParam: string;
}

export interface TranslatedEmbedding {
  model: unknown;
  encoding: 'float' | 'base64';
  body: Record<string, unknown>;
}

/** `POST /v1/chat/completions` as a canonical chat request. */
export function translateChatRequest(raw: unknown): TranslatedRequest {
  const body = parseBody(openAIChatBodySchema, raw);
  refuseUnservable(body);
  const streams = streamsOf(body);
  const canonical = defined({
    messages: body.messages.map((message, i) => translateMessage(message, i)),
    tools: body.tools?.map(({ function: fn }) =>
      defined({
        name: fn.name,
        description: fn.description,
        parameters: fn.parameters,
        strict: fn.strict ?? undefined,
      }),
    ),
    tool_choice: translateToolChoice(body.tool_choice),
    parallel_tool_calls: body.parallel_tool_calls === false ? false : undefined,
    response_format: translateResponseFormat(body.response_format),
    reasoning_effort: translateEffort(body.reasoning_effort),
    stream: canonicalStream(streams),
    ...sampling(body, body.max_completion_tokens ?? body.max_tokens),
    logprobs: requestedLogprobs(body),
  });
  return {
    model: body.model,
    stream: streams,
    includeUsage: body.stream_options?.include_usage === true,
    body: checked(chatRequestSchema, canonical),
    choices: { n: body.n ?? 1 },
    maxTokensParam: body.max_completion_tokens == null ? 'max_tokens' : 'max_completion_tokens',
  };
}

/** `POST /v1/completions` as a canonical completion request. */
export function translateCompletionRequest(raw: unknown): TranslatedRequest {
  const body = parseBody(openAICompletionBodySchema, raw);
  const streams = streamsOf(body);
  if ((body.best_of ?? 1) > 1) throw badField('best_of above 1 is not supported', 'best_of');
  const prompts = textsOf(body.prompt, 'prompt', MAX_CHOICES);
  const n = body.n ?? 1;
  if (prompts.length * n > MAX_CHOICES) {
    throw badField(
      `prompts × n must be at most ${MAX_CHOICES}; this request asks for ${prompts.length * n} answers`,
      'n',
    );
  }
  const canonical = defined({
    prompt: prompts[0] as string | number[],
    suffix: body.suffix ?? undefined,
    echo: body.echo ?? undefined,
    stream: canonicalStream(streams),
    ...sampling(body, body.max_tokens),
    // The legacy API asks with the count itself: 0 still asks for the chosen tokens'.
    logprobs: body.logprobs ?? undefined,
  });
  return {
    model: body.model,
    stream: streams,
    includeUsage: body.stream_options?.include_usage === true,
    body: checked(completionRequestSchema, canonical),
    choices: { n, prompts },
    maxTokensParam: 'max_tokens',
  };
}

/** `POST /v1/embeddings` as a canonical embedding request. */
export function translateEmbeddingRequest(raw: unknown): TranslatedEmbedding {
  const body = parseBody(openAIEmbeddingBodySchema, raw);
  const canonical = defined({
    input: textsOf(body.input, 'input', MAX_EMBEDDING_INPUTS),
    dimensions: body.dimensions,
  });
  return {
    model: body.model,
    encoding: body.encoding_format ?? 'float',
    body: checked(embeddingRequestSchema, canonical),
  };
}

/**
 * What a chat asks for that would otherwise be dropped, leaving the client with a plain text
 * answer and no word why: the legacy function-calling fields (the backends take `tools` only),
 * and output other than text (the fleet's models answer in text).
 */
function refuseUnservable(body: OpenAIChatBody): void {
  if (body.functions != null) {
    throw badField('functions is the legacy form of tools: send tools instead', 'functions');
  }
  if (body.function_call != null) {
    throw badField(
      'function_call is the legacy form of tool_choice: send tool_choice instead',
      'function_call',
    );
  }
  body.messages.forEach((message, i) => {
    if (message.role === 'function') {
      throw badField(
        'role "function" is the legacy form of tool messages: send role "tool" with ' +
          'tool_call_id, answering a call of tool_calls, instead',
        `messages[${i}].role`,
      );
    }
    if (message.function_call != null) {
      throw badField(
        'function_call is the legacy form of tool_calls: send tool_calls instead',
        `messages[${i}].function_call`,
      );
    }
  });
  if (body.modalities?.some((modality) => modality !== 'text') === true) {
    throw badField('only text output is supported: modalities may be ["text"] only', 'modalities');
  }
  if (body.audio != null) {
    throw badField('audio output is not supported: the models answer in text', 'audio');
  }
}

function translateMessage(message: OpenAIMessage, index: number): ChatMessage {
  const content = message.content ?? null;
  return defined({
    role: message.role,
    content: typeof content === 'string' || content === null ? content : parts(content, index),
    name: message.name,
    tool_calls: message.tool_calls?.map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
    })),
    tool_call_id: message.tool_call_id,
    reasoning: message.reasoning_content ?? undefined,
  }) as ChatMessage;
}

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]+={0,2})$/;

function parts(content: OpenAIContentPart[], message: number): ContentPart[] {
  return content.map((part, i): ContentPart => {
    const param = `messages[${message}].content[${i}]`;
    if (part.type === 'text' && 'text' in part && typeof part.text === 'string') {
      return { type: 'text', text: part.text };
    }
    if (part.type === 'refusal' && 'refusal' in part && typeof part.refusal === 'string') {
      return { type: 'text', text: part.refusal };
    }
    if (part.type === 'image_url' && 'image_url' in part) {
      return dataUrlImage((part.image_url as { url?: unknown } | undefined)?.url, param);
    }
    throw badField(`content parts of type "${String(part.type)}" are not supported`, param);
  });
}

/** An image sent as a base64 `data:` URL, as a canonical image part; `param` names the field. */
export function dataUrlImage(url: unknown, param: string): ContentPart {
  const match = typeof url === 'string' ? DATA_URL.exec(url) : null;
  if (match === null) {
    throw badField(
      'images must be base64 data URLs (data:image/<type>;base64,…); the gateway fetches no URLs',
      param,
    );
  }
  return { type: 'image', media_type: match[1] as string, data: match[2] as string };
}

/** Whether the client streams; `stream_options` without streaming is refused, as OpenAI does. */
function streamsOf(body: { stream?: boolean | null; stream_options?: object | null }): boolean {
  const streams = body.stream === true;
  if (!streams && body.stream_options != null) {
    throw badField('stream_options is only allowed when stream is true', 'stream_options');
  }
  return streams;
}

function translateToolChoice(choice: OpenAIChatBody['tool_choice']): ToolChoice | undefined {
  if (choice === null || choice === undefined) return undefined;
  return typeof choice === 'string' ? choice : { name: choice.function.name };
}

function translateResponseFormat(
  format: OpenAIChatBody['response_format'],
): ResponseFormat | undefined {
  if (format === null || format === undefined) return undefined;
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, schema, strict } = format.json_schema;
  return defined({
    type: 'json_schema' as const,
    name,
    schema: schema ?? {},
    strict: strict ?? undefined,
  });
}

/** OpenAI's reasoning efforts as the canonical ones (which have no `minimal` or `xhigh`). */
export function translateEffort(effort: OpenAIChatBody['reasoning_effort']) {
  if (effort === null || effort === undefined) return undefined;
  if (effort === 'minimal') return 'low';
  if (effort === 'xhigh') return 'max';
  return effort;
}

interface SamplingInput {
  temperature?: number | null | undefined;
  top_p?: number | null | undefined;
  top_k?: number | null | undefined;
  min_p?: number | null | undefined;
  seed?: number | null | undefined;
  stop?: string | string[] | null | undefined;
  presence_penalty?: number | null | undefined;
  frequency_penalty?: number | null | undefined;
  repetition_penalty?: number | null | undefined;
  logit_bias?: Record<string, number> | null | undefined;
}

function sampling(body: SamplingInput, maxTokens: number | null | undefined) {
  const stop = body.stop ?? undefined;
  return {
    max_tokens: maxTokens ?? undefined,
    temperature: body.temperature ?? undefined,
    top_p: body.top_p ?? undefined,
    top_k: canonicalTopK(body.top_k, 'top_k'),
    min_p: body.min_p ?? undefined,
    seed: body.seed ?? undefined,
    stop: typeof stop === 'string' ? [stop] : stop,
    presence_penalty: body.presence_penalty ?? undefined,
    frequency_penalty: body.frequency_penalty ?? undefined,
    repeat_penalty: body.repetition_penalty ?? undefined,
    logit_bias: body.logit_bias ?? undefined,
  };
}

/**
 * A chat asks with `logprobs: true` and counts alternatives with `top_logprobs`; alternatives
 * without the flag would be silently dropped, so they are refused as OpenAI and vLLM refuse them.
 */
function requestedLogprobs(body: OpenAIChatBody): number | undefined {
  if (body.logprobs === true) return body.top_logprobs ?? 0;
  if ((body.top_logprobs ?? 0) > 0) {
    throw badField('when using `top_logprobs`, `logprobs` must be set to true', 'top_logprobs');
  }
  return undefined;
}

/**
 * Texts in OpenAI's four shapes (a completion's prompts, an embedding's inputs): a text, a list
 * of token ids, or a list of either, at most `most` of them.
 */
function textsOf(value: string | unknown[], param: string, most: number): (string | number[])[] {
  if (typeof value === 'string') return [value];
  if (value.every((item) => typeof item === 'number')) return [tokenIds(value, param)];
  if (value.length > most) throw badField(`${param} must hold at most ${most} texts`, param);
  return value.map((item, i) =>
    typeof item === 'string' ? item : tokenIds(item, `${param}[${i}]`),
  );
}

function tokenIds(value: unknown, param: string): number[] {
  const parsed = tokenIdsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw badField(
    `${param} must be a text or a list of 1 to ${MAX_TOKEN_IDS} token ids (integers of 0 or more)`,
    param,
  );
}
