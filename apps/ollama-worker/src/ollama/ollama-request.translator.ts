import {
  isRecord,
  SwitchyardError,
  type BackendOptions,
  type ChatMessage,
  type ChatRequest,
  type CompletionRequest,
  type EmbeddingRequest,
  type ResponseFormat,
} from '@switchyard/contracts';
import {
  compact,
  joinText,
  logprobsRequestFields,
  type SamplingRequest,
  textInputs,
  textPrompt,
} from '@switchyard/worker-runtime';
import type {
  OllamaChatBody,
  OllamaEmbedBody,
  OllamaGenerateBody,
  OllamaMessage,
  OllamaTool,
  OllamaToolCall,
  OllamaTopLevel,
} from './ollama-wire.types.js';
import { forcedCall, forcedCallFormat } from './ollama-forced-call.js';

/**
 * Keys of `options.ollama` that are request fields next to `options`; every other key is a
 * runtime option (`num_ctx`, `num_gpu`, `num_thread`, `mirostat`…) and goes inside `options`.
 * A nested `options` object is merged into `options` too. Passthrough values win over the
 * translated ones (they are the more specific ask), except for the fields that say what the
 * request is (`model`, `messages`, `prompt`, `input`, `stream`), which stay ours.
 */
export const OLLAMA_TOP_LEVEL_KEYS: readonly string[] = [
  'keep_alive',
  'think',
  'format',
  'truncate',
  'shift',
  'logprobs',
  'top_logprobs',
  'raw',
  'system',
  'template',
  'context',
  'dimensions',
];
const OWN_KEYS: readonly string[] = ['model', 'messages', 'prompt', 'input', 'stream'];

export function toOllamaChatBody(request: ChatRequest): OllamaChatBody {
  const body: OllamaChatBody = {
    model: request.model,
    messages: toOllamaMessages(request.messages),
    stream: request.stream !== false,
  };
  // A forced call is asked for as an answer in a call's schema (see ollama-forced-call.ts).
  const forced = forcedCall(request);
  const tools = forced === undefined ? toOllamaTools(request) : undefined;
  if (tools !== undefined) body.tools = tools;
  const format =
    forced === undefined ? toOllamaFormat(request.response_format) : forcedCallFormat(forced);
  if (format !== undefined) body.format = format;
  const think = ollamaThink(request.reasoning_effort);
  if (think !== undefined) body.think = think;
  // An Ollama older than 0.12.11 ignores both fields and sends no log-probabilities.
  Object.assign(body, logprobsRequestFields(request.logprobs));
  return withPassthrough(body, ollamaOptions(request), request.options);
}

export function toOllamaGenerateBody(request: CompletionRequest): OllamaGenerateBody {
  const prompt = textPrompt(request, 'Ollama');
  if (prompt === '') {
    // Ollama reads an empty prompt as "load the model" and answers nothing, which would pass
    // for a finished, empty answer. Refused as `unsupported`: another kind may generate from it.
    throw new SwitchyardError(
      'unsupported',
      'Ollama generates nothing from an empty prompt (it only loads the model): send a prompt',
      { details: { param: 'prompt' } },
    );
  }
  const body: OllamaGenerateBody = {
    model: request.model,
    prompt,
    stream: request.stream !== false,
  };
  if (request.suffix !== undefined) body.suffix = request.suffix;
  if (request.images !== undefined) body.images = request.images.map(({ data }) => data);
  // Ollama's own fields: it applies the model's template with this system prompt.
  if (request.system !== undefined) body.system = request.system;
  if (request.raw !== undefined) body.raw = request.raw;
  const format = toOllamaFormat(request.response_format);
  if (format !== undefined) body.format = format;
  const think = ollamaThink(request.reasoning_effort);
  if (think !== undefined) body.think = think;
  Object.assign(body, logprobsRequestFields(request.logprobs));
  return withPassthrough(body, ollamaOptions(request), request.options);
}

/** A reasoning effort as Ollama's `think`: `none` is off, a level is itself. */
function ollamaThink(effort: ChatRequest['reasoning_effort']): OllamaTopLevel['think'] {
  if (effort === undefined) return undefined;
  return effort === 'none' ? false : effort;
}

/** Structured output as Ollama's `format`: `"json"` or the schema; `text` asks for nothing. */
function toOllamaFormat(format: ResponseFormat | undefined): OllamaTopLevel['format'] | undefined {
  if (format?.type === 'json_object') return 'json';
  return format?.type === 'json_schema' ? format.schema : undefined;
}

export function toOllamaEmbedBody(request: EmbeddingRequest): OllamaEmbedBody {
  const body: OllamaEmbedBody = {
    model: request.model,
    input: textInputs(request, 'Ollama'),
    ...compact({ truncate: request.truncate, dimensions: request.dimensions }),
  };
  return withPassthrough(body as OllamaEmbedBody & OllamaTopLevel, {}, request.options);
}

/**
 * Canonical sampling as Ollama's runtime `options` (`max_tokens` is `num_predict`). Ollama has no
 * logit bias: a request with one is refused rather than answered unbiased, so that the caller
 * knows and a router can pick another kind.
 */
export function ollamaOptions(request: SamplingRequest): Record<string, unknown> {
  if (Object.keys(request.logit_bias ?? {}).length > 0) {
    throw new SwitchyardError('unsupported', 'Ollama does not support logit_bias', {
      details: { param: 'logit_bias' },
    });
  }
  return compact({
    num_predict: request.max_tokens,
    temperature: request.temperature,
    top_p: request.top_p,
    top_k: request.top_k,
    min_p: request.min_p,
    seed: request.seed,
    stop: request.stop,
    presence_penalty: request.presence_penalty,
    frequency_penalty: request.frequency_penalty,
    repeat_penalty: request.repeat_penalty,
  });
}

function withPassthrough<T extends OllamaTopLevel>(
  body: T,
  translatedOptions: Record<string, unknown>,
  backendOptions: BackendOptions | undefined,
): T {
  const options = Object.assign({}, translatedOptions);
  for (const [key, value] of Object.entries(backendOptions?.ollama ?? {})) {
    if (OWN_KEYS.includes(key)) continue;
    if (key === 'options' && isRecord(value)) Object.assign(options, value);
    else if (OLLAMA_TOP_LEVEL_KEYS.includes(key)) (body as OllamaTopLevel)[key] = value;
    else options[key] = value;
  }
  if (Object.keys(options).length > 0) body.options = options;
  return body;
}

/**
 * Canonical messages as Ollama's: content is one string (text parts joined with `\n`), images
 * go to `images` as raw base64, assistant tool-call arguments become objects, and a tool
 * result names its tool in `tool_name`, looked up from the assistant call it answers.
 */
export function toOllamaMessages(messages: readonly ChatMessage[]): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message, at) => {
    const content = message.content;
    const out: OllamaMessage = {
      role: message.role === 'developer' ? 'system' : message.role,
      content: content === null ? '' : typeof content === 'string' ? content : joinText(content),
    };
    if (Array.isArray(content)) {
      const images = content.flatMap((part) => (part.type === 'image' ? [part.data] : []));
      if (images.length > 0) out.images = images;
    }
    if (message.reasoning !== undefined) out.thinking = message.reasoning;
    if (message.tool_calls !== undefined && message.tool_calls.length > 0) {
      out.tool_calls = message.tool_calls.map((call, index): OllamaToolCall => {
        toolNames.set(call.id, call.name);
        return {
          id: call.id,
          function: {
            index,
            name: call.name,
            arguments: parseArguments(call.arguments, `messages[${at}].tool_calls[${index}]`),
          },
        };
      });
    }
    if (message.role === 'tool') {
      const name =
        (message.tool_call_id === undefined ? undefined : toolNames.get(message.tool_call_id)) ??
        message.name;
      if (name !== undefined) out.tool_name = name;
      if (message.tool_call_id !== undefined) out.tool_call_id = message.tool_call_id;
    }
    return out;
  });
}

/**
 * The tools of a request that forces no call (see `forcedCall`): `none` offers no tools, `auto`
 * (or no choice) offers them all.
 */
function toOllamaTools(request: ChatRequest): OllamaTool[] | undefined {
  if (request.tools === undefined || request.tools.length === 0) return undefined;
  if (request.tool_choice === 'none') return undefined;
  return request.tools.map((tool) => ({
    type: 'function',
    function: compact({
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
    }) as OllamaTool['function'],
  }));
}

/**
 * OpenAI-style arguments (a JSON string) as the object Ollama wants; empty means none. `call`
 * names the call in the request, for the refusal of arguments that are not an object.
 */
function parseArguments(text: string, call: string): Record<string, unknown> {
  if (text.trim().length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw notAnObject(text, call, error);
  }
  if (!isRecord(parsed)) throw notAnObject(text, call);
  return parsed;
}

function notAnObject(text: string, call: string, cause?: unknown): SwitchyardError {
  const param = `${call}.arguments`;
  return new SwitchyardError(
    'bad_request',
    `${param}: Ollama takes a tool call's arguments as a JSON object, and these are not one`,
    { details: { param, arguments: text.slice(0, 200) }, cause },
  );
}
