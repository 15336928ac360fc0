import {
  chatRequestSchema,
  completionRequestSchema,
  embeddingRequestSchema,
  MAX_EMBEDDING_INPUTS,
  type ChatMessage,
  type ContentPart,
  type ResponseFormat,
} from '@switchyard/contracts';
import { badField, parseBody } from '../http/bad-request.js';
import { canonicalStream, canonicalTopK, checked } from '../http/canonical-request.js';
import { defined } from '../http/defined.js';
import {
  ollamaChatBodySchema,
  ollamaEmbedBodySchema,
  ollamaGenerateBodySchema,
  ollamaLegacyEmbeddingBodySchema,
  type OllamaChatBody,
  type OllamaMessage,
  type OllamaOptions,
} from './ollama-request.schemas.js';

export interface TranslatedOllamaRequest {
  model: unknown;
  /** Ollama streams unless told `stream: false`. */
  stream: boolean;
  body: Record<string, unknown>;
}

/**
 * Ollama's shortcuts for a request with nothing to answer (no prompt, no messages): `load` the
 * model, or `unload` it when `keep_alive` is zero (what `ollama stop` sends).
 */
export type OllamaShortcut = 'load' | 'unload';

export interface TranslatedOllamaGenerate extends TranslatedOllamaRequest {
  /** Set when the request is one of Ollama's shortcuts, answered without generating. */
  shortcut: OllamaShortcut | undefined;
  /** How long a loaded model stays in memory (Ollama's `keep_alive`), when the request says. */
  keepAlive: string | number | undefined;
}

/** Ollama's words for a raw (untemplated) generate that also asks for templating. */
const RAW_WITH_TEMPLATE = 'raw mode does not support template, system, or context';

/** `POST /api/chat` as a canonical chat request. */
export function translateOllamaChat(raw: unknown): TranslatedOllamaGenerate {
  const body = parseBody(ollamaChatBodySchema, raw);
  const streams = body.stream !== false;
  const messages = body.messages ?? [];
  const canonical = defined({
    messages: translateMessages(messages),
    tools: body.tools?.map(({ function: fn }) =>
      defined({ name: fn.name, description: fn.description, parameters: fn.parameters }),
    ),
    response_format: translateFormat(body.format),
    reasoning_effort: translateThink(body.think),
    stream: canonicalStream(streams),
    ...sampling(body.options),
    logprobs: logprobsOf(body),
    options: passthrough(body),
  });
  return {
    model: body.model,
    stream: streams,
    shortcut: messages.length === 0 ? shortcutOf(body.keep_alive) : undefined,
    keepAlive: body.keep_alive ?? undefined,
    body: messages.length === 0 ? canonical : checked(chatRequestSchema, canonical),
  };
}

/** `POST /api/generate` as a canonical completion request. */
export function translateOllamaGenerate(raw: unknown): TranslatedOllamaGenerate {
  const body = parseBody(ollamaGenerateBodySchema, raw);
  const streams = body.stream !== false;
  // Ollama reads no images and an empty list alike.
  const images = body.images?.length
    ? body.images.map((data) => ({ type: 'image' as const, data }))
    : undefined;
  const prompt = body.prompt ?? '';
  const shortcut =
    prompt.length === 0 && body.suffix == null ? shortcutOf(body.keep_alive) : undefined;
  // Ollama reads an empty system prompt, template or context as none, and so does this.
  const system = body.system === null || body.system === '' ? undefined : body.system;
  const template = body.template === null || body.template === '' ? undefined : body.template;
  const context = (body.context?.length ?? 0) > 0 ? body.context : undefined;
  // Ollama unloads before it looks at anything else; every other request is checked.
  const templated = system !== undefined || template !== undefined || context !== undefined;
  if (body.raw === true && templated && shortcut !== 'unload') {
    throw badField(RAW_WITH_TEMPLATE, 'raw');
  }
  // `system`, `format`, `think` and `raw` have canonical fields, so every kind of backend honours
  // them (or refuses what it cannot honour). A template (Go template syntax) and a context
  // (Ollama's tokens) have none: they are Ollama's own, passed as they came.
  const options = passthrough(body, { template, context });
  const canonical = defined({
    prompt,
    suffix: body.suffix ?? undefined,
    images,
    system,
    response_format: translateFormat(body.format),
    reasoning_effort: translateThink(body.think),
    raw: body.raw ?? undefined,
    stream: canonicalStream(streams),
    ...sampling(body.options),
    logprobs: logprobsOf(body),
    options,
  });
  return {
    model: body.model,
    stream: streams,
    shortcut,
    keepAlive: body.keep_alive ?? undefined,
    body: checked(completionRequestSchema, canonical),
  };
}

/**
 * The most texts one `POST /api/embed` may hold. Ollama sets no limit, and clients send a whole
 * document set at once (LangChain's `OllamaEmbeddings.embedDocuments`), but the canonical request
 * takes `MAX_EMBEDDING_INPUTS`: a larger batch goes as several, at most four, whose vectors the
 * gateway holds until the last has answered (as the frames' base64, 8,192 vectors of 3,072
 * dimensions are some 130 MB; the JSON is written a vector at a time).
 */
export const MAX_OLLAMA_EMBED_INPUTS = 4 * MAX_EMBEDDING_INPUTS;

/**
 * `POST /api/embed` (and, with one input, the legacy `/api/embeddings`) as canonical requests of
 * at most `MAX_EMBEDDING_INPUTS` texts each, in order. `bodies` is undefined when there is
 * nothing to embed (no input, `""` or `[]`): Ollama then loads the model (for `keep_alive`) and
 * answers no vectors, which clients use to have an embedding model ready.
 */
export interface TranslatedOllamaEmbed {
  model: unknown;
  bodies: Record<string, unknown>[] | undefined;
  keepAlive: string | number | undefined;
}

export function translateOllamaEmbed(raw: unknown): TranslatedOllamaEmbed {
  const body = parseBody(ollamaEmbedBodySchema, raw);
  const keepAlive = body.keep_alive ?? undefined;
  const input = typeof body.input === 'string' ? [body.input] : (body.input ?? []);
  if (input.every((text) => text === '')) {
    return { model: body.model, bodies: undefined, keepAlive };
  }
  if (input.length > MAX_OLLAMA_EMBED_INPUTS) {
    throw badField(
      `input holds at most ${MAX_OLLAMA_EMBED_INPUTS} strings (it holds ${input.length}): ` +
        'send them in several requests',
      'input',
    );
  }
  const bodies: Record<string, unknown>[] = [];
  for (let start = 0; start < input.length; start += MAX_EMBEDDING_INPUTS) {
    const canonical = defined({
      input: input.slice(start, start + MAX_EMBEDDING_INPUTS),
      truncate: body.truncate ?? undefined,
      dimensions: body.dimensions ?? undefined,
      // Runtime options such as `num_ctx`, which decides how much of a long input is embedded.
      options: passthrough(body),
    });
    bodies.push(checked(embeddingRequestSchema, canonical));
  }
  return { model: body.model, bodies, keepAlive };
}

export function translateOllamaLegacyEmbedding(raw: unknown): TranslatedOllamaEmbed {
  const body = parseBody(ollamaLegacyEmbeddingBodySchema, raw);
  return translateOllamaEmbed({
    model: body.model,
    input: body.prompt ?? '',
    options: body.options,
    keep_alive: body.keep_alive,
  });
}

function translateMessages(messages: readonly OllamaMessage[]): ChatMessage[] {
  const results = new ToolResultIds();
  return messages.map((message, m) => {
    const toolCalls = message.tool_calls?.map((call, c) => {
      const args = call.function.arguments;
      return {
        id: `call_${m}_${c}`,
        name: call.function.name,
        arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
      };
    });
    if (toolCalls !== undefined && toolCalls.length > 0) results.called(toolCalls);
    const text = message.content ?? '';
    const images = message.images ?? [];
    const content: string | ContentPart[] =
      images.length === 0
        ? text
        : [
            ...(text.length > 0 ? [{ type: 'text' as const, text }] : []),
            ...images.map((data) => ({ type: 'image' as const, data })),
          ];
    const toolCallId = message.role === 'tool' ? results.answer(message.tool_name) : undefined;
    return defined({
      role: message.role,
      content,
      name: message.role === 'tool' ? message.tool_name : undefined,
      tool_calls: toolCalls,
      tool_call_id: toolCallId,
      reasoning: message.thinking,
    }) as ChatMessage;
  });
}

/**
 * The call each tool result answers. Ollama names a result by its tool, if at all (older clients
 * send none); the canonical form names the call, as OpenAI-compatible backends need. Results
 * answer the latest turn's calls in order: each takes the first call of its tool not yet
 * answered (of any tool, when it names none), so two calls of one tool in a turn (the weather in
 * two cities) get one result each. A result for a tool with none left answers its last call.
 */
class ToolResultIds {
  private unanswered: { id: string; name: string }[] = [];
  private readonly lastByName = new Map<string, string>();

  called(calls: readonly { id: string; name: string }[]): void {
    this.unanswered = [...calls];
    for (const { id, name } of calls) this.lastByName.set(name, id);
  }

  answer(toolName: string | undefined): string | undefined {
    const at = this.unanswered.findIndex(
      (call) => toolName === undefined || call.name === toolName,
    );
    if (at < 0) return toolName === undefined ? undefined : this.lastByName.get(toolName);
    const [call] = this.unanswered.splice(at, 1);
    return call?.id;
  }
}

function translateFormat(format: OllamaChatBody['format']): ResponseFormat | undefined {
  if (format === null || format === undefined || format === '') return undefined;
  return format === 'json' ? { type: 'json_object' } : { type: 'json_schema', schema: format };
}

/** A Go duration of zero (`0`, `"0"`, `"0s"`, `"0m0s"`…): Ollama unloads the model at once. */
const ZERO_DURATION = /^(0+(\.0*)?(ns|us|µs|ms|s|m|h))+$|^0+$/;

function shortcutOf(keepAlive: string | number | null | undefined): OllamaShortcut {
  const zero = keepAlive === 0 || (typeof keepAlive === 'string' && ZERO_DURATION.test(keepAlive));
  return zero ? 'unload' : 'load';
}

function translateThink(think: OllamaChatBody['think']) {
  if (think === null || think === undefined) return undefined;
  if (think === false) return 'none' as const;
  return think === true ? ('medium' as const) : think;
}

/** Ollama gives log-probabilities only with `logprobs: true`; `top_logprobs` alone asks nothing. */
function logprobsOf(body: {
  logprobs?: boolean | null;
  top_logprobs?: number | null;
}): number | undefined {
  return body.logprobs === true ? (body.top_logprobs ?? 0) : undefined;
}

const KNOWN_OPTIONS = new Set([
  'temperature',
  'top_p',
  'top_k',
  'min_p',
  'seed',
  'stop',
  'num_predict',
  'repeat_penalty',
  'presence_penalty',
  'frequency_penalty',
]);

function sampling(options: OllamaOptions | null | undefined) {
  if (options === null || options === undefined) return {};
  const stop = options.stop;
  const limit = options.num_predict;
  return {
    max_tokens: limit !== undefined && limit > 0 ? limit : undefined,
    temperature: options.temperature,
    top_p: options.top_p,
    top_k: canonicalTopK(options.top_k, 'options.top_k'),
    min_p: options.min_p,
    seed: options.seed,
    stop: typeof stop === 'string' ? [stop] : stop,
    presence_penalty: options.presence_penalty,
    frequency_penalty: options.frequency_penalty,
    repeat_penalty: options.repeat_penalty,
  };
}

/**
 * What only an Ollama backend understands (runtime options such as `num_ctx`, `keep_alive`, a
 * boolean `think`) travels in `options.ollama`; workers of other kinds ignore it.
 */
function passthrough(
  body: { options?: OllamaOptions | null; keep_alive?: string | number | null; think?: unknown },
  extra: Record<string, unknown> = {},
): { ollama: Record<string, unknown> } | undefined {
  const ollama: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body.options ?? {})) {
    if (!KNOWN_OPTIONS.has(key)) ollama[key] = value;
  }
  if (body.keep_alive !== null && body.keep_alive !== undefined)
    ollama['keep_alive'] = body.keep_alive;
  if (typeof body.think === 'boolean') ollama['think'] = body.think;
  Object.assign(ollama, defined(extra));
  return Object.keys(ollama).length === 0 ? undefined : { ollama };
}
