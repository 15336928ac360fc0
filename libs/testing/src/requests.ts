import { randomUUID } from 'node:crypto';
import type {
  ChatMessage,
  ChatRequest,
  CompletionRequest,
  EmbeddingRequest,
} from '@switchyard/contracts';

/** A fresh request id (it also names the request's cancel subject). */
export function testRequestId(): string {
  return `test-${randomUUID()}`;
}

/** A chat request with one user message (or the given messages) and a fresh id. */
export function chatRequest(
  model: string,
  content: string | ChatMessage['content'],
  extra: Partial<ChatRequest> = {},
): ChatRequest {
  return { id: testRequestId(), model, messages: [{ role: 'user', content }], ...extra };
}

export function completionRequest(
  model: string,
  prompt: CompletionRequest['prompt'],
  extra: Partial<CompletionRequest> = {},
): CompletionRequest {
  return { id: testRequestId(), model, prompt, ...extra };
}

export function embeddingRequest(
  model: string,
  input: string[],
  extra: Partial<EmbeddingRequest> = {},
): EmbeddingRequest {
  return { id: testRequestId(), model, input, ...extra };
}

/**
 * A conversation as roles and contents only: the shape an answer oracle (the simulator's
 * `expectedCompletion`) reads. Tool calls have no single shape across backends, so a test that
 * sends them spells out what the backend sees instead.
 */
export function plainMessages(
  messages: readonly ChatMessage[],
): { role: string; content: ChatMessage['content'] }[] {
  return messages.map(({ role, content, tool_calls }) => {
    if (tool_calls !== undefined) throw new Error('spell out messages with tool calls yourself');
    return { role, content };
  });
}

/** A 1×1 PNG, base64: the smallest real image to send a vision model. */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
