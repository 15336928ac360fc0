import {
  SwitchyardError,
  type ChatMessage,
  type ChatRequest,
  type CompletionRequest,
} from '@switchyard/contracts';

/**
 * A completion as the chat an OpenAI-compatible server (vLLM, LM Studio) must be sent instead,
 * or `undefined` when its completion route serves it as it is.
 *
 * OpenAI's completions have no images, system prompt, `response_format` or `reasoning_effort`:
 * these servers apply a model's chat template (with its system prompt, and the switch that lets a
 * reasoning model think) only to chats, take images only in a chat's messages, and return
 * reasoning apart (`reasoning_content`) only from chats. Structured output is a chat feature too:
 * LM Studio documents `response_format` for chats only, and vLLM's completions take one, but
 * (v0.10's, at least) honour only `json_object` there and silently drop a schema. So a completion
 * with images, a system prompt, a JSON format or a reasoning effort goes as a chat: the system
 * prompt as a `system` message, the prompt (and its images) as the `user` message, and sampling,
 * `stream`, `response_format`, `reasoning_effort` and the passthrough options as they are. The
 * prompt then gets the model's chat template, as Ollama's generate gives it. The answer comes back
 * as a chat's, and a chat's events make the same frames as a completion's.
 *
 * A chat has no place for a suffix, and is always templated: a completion with a suffix, or one
 * that must stay untemplated (`raw`), is refused rather than the suffix dropped or the prompt
 * templated, and so is one given as token ids (a chat's messages are text). `server` names the
 * server in those refusals.
 */
export function completionAsChat(
  request: CompletionRequest,
  server: string,
): ChatRequest | undefined {
  const { prompt, suffix, system, raw, images, ...rest } = request;
  const feature = chatOnlyFeature(request);
  if (feature === undefined) return undefined;
  if (suffix !== undefined) {
    throw new SwitchyardError(
      'unsupported',
      `${server} applies ${feature} only to chats, which have no suffix: send ${feature} or ` +
        'a suffix, not both',
      { details: { param: 'suffix' } },
    );
  }
  if (raw === true) {
    throw new SwitchyardError(
      'unsupported',
      `${server} applies ${feature} only to chats, which apply the model's chat template: ` +
        `send ${feature} or raw, not both`,
      { details: { param: 'raw' } },
    );
  }
  if (typeof prompt !== 'string') {
    throw new SwitchyardError(
      'unsupported',
      `${server} applies ${feature} only to chats, whose messages are text: send the prompt as ` +
        'text, not token ids',
      { details: { param: 'prompt' } },
    );
  }
  const content: ChatMessage['content'] =
    images === undefined ? prompt : [{ type: 'text', text: prompt }, ...images];
  const messages: ChatMessage[] = [{ role: 'user', content }];
  if (system !== undefined) messages.unshift({ role: 'system', content: system });
  return Object.assign({}, rest, { messages });
}

/** What a completion asks for that these servers do only on chats, if anything. */
function chatOnlyFeature(request: CompletionRequest): string | undefined {
  if (request.images !== undefined) return 'images';
  if (request.system !== undefined) return 'a system prompt';
  const format = request.response_format?.type;
  if (format !== undefined && format !== 'text') return 'structured output';
  // `none` asks for what a completion does anyway: no chat template, so no thinking.
  const effort = request.reasoning_effort;
  if (effort !== undefined && effort !== 'none') return 'thinking';
  return undefined;
}
