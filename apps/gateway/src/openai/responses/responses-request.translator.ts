import {
  SwitchyardError,
  chatRequestSchema,
  type ChatMessage,
  type ContentPart,
  type ResponseFormat,
  type ToolCall,
  type ToolChoice,
  type ToolDefinition,
} from '@switchyard/contracts';
import { badField, parseBody, parseField } from '../../http/bad-request.js';
import { canonicalStream, checked, textAndImages, typeOf } from '../../http/canonical-request.js';
import { defined } from '../../http/defined.js';
import { dataUrlImage, translateEffort } from '../openai-request.translator.js';
import {
  itemSchemas,
  responsesBodySchema,
  type ResponsesBody,
  type ResponsesContentPart,
} from './responses-request.schemas.js';
import {
  allowedTools,
  flatToolName,
  translateTools,
  type ClientToolName,
} from './responses-tools.js';

/** What `include` asks for to get the tokens' log-probabilities with the text. */
export const INCLUDE_LOGPROBS = 'message.output_text.logprobs';

/** A Responses request as a canonical chat, and what its answer repeats of it. */
export interface TranslatedResponsesRequest {
  model: unknown;
  stream: boolean;
  /** The canonical chat request without the fields routing fills in. */
  body: Record<string, unknown>;
  logprobs: boolean;
  /** The request's settings, as the response object states them. */
  settings: Record<string, unknown>;
  /** Whether the response's output items are to be kept for later references (`store`). */
  store: boolean;
  /** The client's name for a function the model called (a namespace's function has two parts). */
  clientToolName(flatName: string): ClientToolName;
}

/** The item an `item_reference` at `param` names, or the error to answer (see `ResponseItemStore`). */
export type RecallItem = (id: string, param: string) => Record<string, unknown>;

/**
 * `POST /v1/responses` as a canonical chat request. Switchyard keeps no responses or
 * conversations, so everything that needs OpenAI's storage or its hosted tools
 * (`previous_response_id`, `conversation`, `background`, stored `prompt`s, file search and the
 * like) is refused by name; the conversation travels in `input`, its items whole or, for the
 * output items of the gateway's own stored responses, as `item_reference`s that `recall` gives
 * back. Tools: see `translateTools`.
 */
export function translateResponsesRequest(
  raw: unknown,
  recall: RecallItem = unheld,
): TranslatedResponsesRequest {
  const body = parseBody(responsesBodySchema, raw);
  refuseStateful(body);
  const streams = body.stream === true;
  const include = body.include ?? [];
  const logprobs = include.includes(INCLUDE_LOGPROBS) || (body.top_logprobs ?? 0) > 0;
  const tools = translateTools(body.tools ?? []);
  const offered = offeredTools(tools.functions, body.tool_choice ?? undefined);
  const format = body.text?.format ?? undefined;
  const effort = body.reasoning?.effort ?? undefined;
  const canonical = defined({
    messages: [
      ...(body.instructions == null
        ? []
        : [{ role: 'system' as const, content: body.instructions }]),
      ...inputMessages(referencesRecalled(body.input, recall)),
    ],
    tools: offered.functions.length > 0 ? offered.functions : undefined,
    tool_choice: offered.toolChoice,
    parallel_tool_calls: body.parallel_tool_calls === false ? false : undefined,
    response_format: format === undefined ? undefined : responseFormat(format),
    reasoning_effort: translateEffort(effort),
    stream: canonicalStream(streams),
    max_tokens: body.max_output_tokens ?? undefined,
    temperature: body.temperature ?? undefined,
    top_p: body.top_p ?? undefined,
    logprobs: logprobs ? (body.top_logprobs ?? 0) : undefined,
  });
  return {
    model: body.model,
    stream: streams,
    body: checked(chatRequestSchema, canonical, { max_tokens: 'max_output_tokens' }),
    logprobs,
    settings: settingsOf(body, tools.echo),
    store: body.store !== false,
    clientToolName: tools.clientName,
  };
}

/** The functions the model is offered, and its choice among them. */
function offeredTools(
  functions: ToolDefinition[],
  choice: ResponsesBody['tool_choice'],
): { functions: ToolDefinition[]; toolChoice: ToolChoice | undefined } {
  if (choice == null || typeof choice === 'string')
    return { functions, toolChoice: choice ?? undefined };
  if (choice.type === 'allowed_tools') return allowedTools(functions, choice);
  return { functions, toolChoice: { name: flatToolName(choice.name, choice.namespace) } };
}

/** What a response object states of the request that asked for it, as OpenAI's do. */
function settingsOf(body: ResponsesBody, tools: readonly unknown[]): Record<string, unknown> {
  return {
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? {},
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    reasoning: {
      effort: body.reasoning?.effort ?? null,
      summary: body.reasoning?.summary ?? null,
    },
    store: body.store !== false,
    temperature: body.temperature ?? null,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools,
    top_logprobs: body.top_logprobs ?? 0,
    top_p: body.top_p ?? null,
    truncation: body.truncation ?? 'disabled',
    user: body.user ?? null,
  };
}

function refuseStateful(body: ResponsesBody): void {
  const keepsNothing =
    'Switchyard keeps no responses or conversations; send the whole conversation in `input`';
  if (body.previous_response_id != null) {
    throw badField(
      `previous_response_id is not supported: ${keepsNothing}`,
      'previous_response_id',
    );
  }
  if (body.conversation != null) {
    throw badField(`conversation is not supported: ${keepsNothing}`, 'conversation');
  }
  if (body.background === true) {
    throw badField(
      'background responses are not supported: Switchyard keeps no responses',
      'background',
    );
  }
  if (body.prompt != null) {
    throw badField(
      'stored prompts (prompt) are not supported: send the instructions and input',
      'prompt',
    );
  }
}

/** What answers a reference when no store is given: nothing is held. */
function unheld(id: string, param: string): never {
  throw new SwitchyardError('not_found', `Item with id '${id}' not found`, { details: { param } });
}

/** The input with each `item_reference` replaced by the item it names. */
function referencesRecalled(
  input: ResponsesBody['input'],
  recall: RecallItem,
): ResponsesBody['input'] {
  if (typeof input === 'string') return input;
  return input.map((raw, i) => {
    if (typeOf(raw, 'message') !== 'item_reference') return raw;
    const reference = parseField(itemSchemas.item_reference, raw, ['input', i]);
    return recall(reference.id, `input[${i}]`);
  });
}

/**
 * The input items as chat messages: calls join the assistant turn they belong to. The images of
 * a run of function call outputs (a screenshot, an image file read) follow the run as a user
 * message: the chat APIs of the backends take images from users only.
 */
function inputMessages(input: ResponsesBody['input']): ChatMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const messages: ChatMessage[] = [];
  /** Reasoning of an earlier turn, for the assistant message that follows it. */
  let reasoning: string | undefined;
  let outputImages: ContentPart[] = [];
  const flushOutputImages = (): void => {
    if (outputImages.length > 0) messages.push({ role: 'user', content: outputImages });
    outputImages = [];
  };
  const assistantTurn = (): ChatMessage => {
    const last = messages.at(-1);
    if (last?.role === 'assistant') return last;
    const turn: ChatMessage = { role: 'assistant', content: null };
    messages.push(turn);
    return turn;
  };
  input.forEach((raw, i) => {
    const param = `input[${i}]`;
    const type = typeOf(raw, 'message');
    if (type !== 'function_call_output') flushOutputImages();
    if (type === 'message') {
      const item = parseField(itemSchemas.message, raw, ['input', i]);
      const message: ChatMessage = {
        role: item.role,
        content: contentOf(item.content, `${param}.content`),
      };
      if (item.role === 'assistant' && reasoning !== undefined) message.reasoning = reasoning;
      if (item.role === 'assistant') reasoning = undefined;
      messages.push(message);
    } else if (type === 'function_call') {
      const item = parseField(itemSchemas.function_call, raw, ['input', i]);
      const turn = assistantTurn();
      const name = flatToolName(item.name, item.namespace);
      const call: ToolCall = { id: item.call_id, name, arguments: item.arguments };
      turn.tool_calls = [...(turn.tool_calls ?? []), call];
      if (reasoning !== undefined) turn.reasoning = reasoning;
      reasoning = undefined;
    } else if (type === 'function_call_output') {
      const item = parseField(itemSchemas.function_call_output, raw, ['input', i]);
      const output = textAndImages(contentOf(item.output, `${param}.output`));
      messages.push({ role: 'tool', tool_call_id: item.call_id, content: output.text });
      outputImages.push(...output.images);
    } else if (type === 'reasoning') {
      const item = parseField(itemSchemas.reasoning, raw, ['input', i]);
      const text = (item.content ?? []).map((part) => part.text ?? '').join('');
      if (text !== '') reasoning = text;
    } else {
      throw badField(`input items of type "${type}" are not supported`, `${param}.type`);
    }
  });
  flushOutputImages();
  if (messages.length === 0) {
    throw badField('input must hold at least one message or function call output', 'input');
  }
  return messages;
}

/**
 * A message's content or a function call's output (at `param`): a text, or parts (which workers
 * join as they join the chat API's).
 */
function contentOf(
  content: string | ResponsesContentPart[],
  param: string,
): string | ContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((part, i) => contentPart(part, `${param}[${i}]`));
}

function contentPart(part: ResponsesContentPart, param: string): ContentPart {
  if ((part.type === 'input_text' || part.type === 'output_text') && 'text' in part) {
    return { type: 'text', text: String(part.text) };
  }
  if (part.type === 'refusal' && 'refusal' in part) {
    return { type: 'text', text: String(part.refusal) };
  }
  if (part.type === 'input_image') {
    const image = part as { image_url?: string | null; file_id?: string | null };
    if (image.file_id != null) {
      throw badField('images by file_id are not supported: Switchyard keeps no files', param);
    }
    return dataUrlImage(image.image_url, param);
  }
  throw badField(`content parts of type "${part.type}" are not supported`, param);
}

function responseFormat(
  format: NonNullable<NonNullable<ResponsesBody['text']>['format']>,
): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  return defined({
    type: 'json_schema' as const,
    name: format.name,
    schema: format.schema,
    strict: format.strict ?? undefined,
  });
}
