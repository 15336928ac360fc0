import { Inject, Injectable } from '@nestjs/common';
import type { ChatMessage, SwitchyardConfig } from '@switchyard/contracts';
import { SERVICE_CONFIG } from '@switchyard/service';
import { badField } from '../http/bad-request.js';

export type CapsConfig = SwitchyardConfig['gateway']['limits'];

/** How the client's API names the capped fields, for errors that point at the right one. */
export interface CapParams {
  /** The messages (`messages`) or the prompt (`prompt`). */
  prompt: string;
  /** `max_tokens`, `max_completion_tokens`, `options.num_predict`… */
  maxTokens: string;
}

/** Characters per token in the prompt estimate: cheap, no tokenizer, close for English text. */
export const CHARS_PER_TOKEN = 4;

/**
 * Checks a canonical chat or completion request against `gateway.limits` before it is routed:
 * too many messages, a prompt estimated above `max_prompt_tokens`, or `max_tokens` above
 * `max_output_tokens` is a `bad_request` naming the client's field and the cap. Returns the
 * body with `max_tokens` set to the cap when the client asked for none, so the cap holds for
 * every request.
 */
export function applyCaps(
  body: Record<string, unknown>,
  caps: CapsConfig,
  params: CapParams,
): Record<string, unknown> {
  const messages = body['messages'] as ChatMessage[] | undefined;
  if (messages !== undefined && messages.length > caps.max_messages) {
    throw badField(
      `${params.prompt} has ${messages.length} messages; this gateway accepts at most ${caps.max_messages}`,
      params.prompt,
    );
  }
  if (caps.max_prompt_tokens !== undefined) {
    const estimate = estimatePromptTokens(body);
    if (estimate > caps.max_prompt_tokens) {
      throw badField(
        `the prompt is about ${estimate} tokens (characters / ${CHARS_PER_TOKEN}); this gateway accepts at most ${caps.max_prompt_tokens}`,
        params.prompt,
      );
    }
  }
  const cap = caps.max_output_tokens;
  if (cap === undefined) return body;
  const asked = body['max_tokens'] as number | undefined;
  if (asked === undefined) return Object.assign({}, body, { max_tokens: cap });
  if (asked > cap) {
    throw badField(
      `${params.maxTokens} is ${asked}; this gateway allows at most ${cap}`,
      params.maxTokens,
    );
  }
  return body;
}

/** {@link applyCaps} with the gateway's configured limits, for the controllers. */
@Injectable()
export class RequestCaps {
  private readonly caps: CapsConfig;

  constructor(@Inject(SERVICE_CONFIG) config: SwitchyardConfig) {
    this.caps = config.gateway.limits;
  }

  apply(body: Record<string, unknown>, params: CapParams): Record<string, unknown> {
    return applyCaps(body, this.caps, params);
  }
}

/** The prompt's size in tokens, estimated from the characters of its text (or its token ids). */
export function estimatePromptTokens(body: Record<string, unknown>): number {
  let chars = 0;
  for (const key of ['prompt', 'suffix'] as const) {
    const text = body[key];
    if (typeof text === 'string') chars += text.length;
  }
  // A prompt of token ids needs no estimate: it is that many tokens.
  const ids = Array.isArray(body['prompt']) ? body['prompt'].length : 0;
  const messages = body['messages'] as ChatMessage[] | undefined;
  for (const message of messages ?? []) chars += messageChars(message);
  if (body['tools'] !== undefined) chars += JSON.stringify(body['tools']).length;
  return ids + Math.ceil(chars / CHARS_PER_TOKEN);
}

function messageChars(message: ChatMessage): number {
  let chars = message.reasoning?.length ?? 0;
  const content = message.content;
  if (typeof content === 'string') chars += content.length;
  else if (Array.isArray(content)) {
    // Images are not text; what they cost depends on the model, so they are not estimated.
    for (const part of content) if (part.type === 'text') chars += part.text.length;
  }
  for (const call of message.tool_calls ?? []) chars += call.name.length + call.arguments.length;
  return chars;
}
