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
 * OpenAI's completions have neither a system prompt nor `response_format`: these servers apply
 * a model's chat template (with its system prompt) only to chats, and structured output is a
 * chat feature too. LM Studio documents `response_format` for chats only, and vLLM's
 * completions take one, but (v0.10's, at least) honour only `json_object` there and silently
 * drop a schema. So a completion with a system prompt or a JSON format goes as a chat: the
 * system prompt as a `system` message, the prompt as the `user` message, and sampling,
 * `stream`, `response_format` and the passthrough options as they are. The prompt then gets the model's chat template, as Ollama's generate gives it. The
 * answer comes back as a chat's, and a chat's events make the same frames as a completion's.
 *
 * A chat has no place for a suffix: a completion with both is refused rather than one of them
 * dropped. `server` names the server in that refusal.
 */
export function completionAsChat(
  request: CompletionRequest,
  server: string,
): ChatRequest | undefined {
  const { prompt, suffix, system, ...rest } = request;
  const format = request.response_format?.type;
  const feature =
    system !== undefined
      ? 'a system prompt'
      : format !== undefined && format !== 'text'
        ? 'structured output'
        : undefined;
  if (feature === undefined) return undefined;
  if (suffix !== undefined) {
    throw new SwitchyardError(
      'unsupported',
      `${server} applies ${feature} only to chats, which have no suffix: send ${feature} or ` +
        'a suffix, not both',
      { details: { param: 'suffix' } },
    );
  }
  const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
  if (system !== undefined) messages.unshift({ role: 'system', content: system });
  return { ...rest, messages };
}
