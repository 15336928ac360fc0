import type { ContentPart } from '@switchyard/contracts';
import type { z } from 'zod';
import { badField, badRequestFrom } from './bad-request.js';

// What every API's translation into a canonical request shares.

/**
 * The canonical request's `stream` field for an HTTP request: absent when the client streams;
 * `false` when the gateway joins the answer before replying, so the worker may ask its backend
 * for one body instead of reading a token-by-token stream.
 */
export function canonicalStream(clientStreams: boolean): false | undefined {
  return clientStreams ? undefined : false;
}

/**
 * The `type` of an item of a request (an input item, a content block, a tool), or `missing`
 * where it has none, as some APIs allow for their commonest kind.
 */
export function typeOf(raw: unknown, missing: string): string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return missing;
  const type = (raw as { type?: unknown }).type;
  return type === undefined ? missing : String(type);
}

/**
 * A tool's result (Anthropic's `tool_result`, the Responses API's function call output) as the
 * canonical tool message takes it: the text of its parts joined, and its images apart, which go
 * to the user message after it (the chat APIs of the backends take images from users only).
 */
export function textAndImages(content: string | readonly ContentPart[]): {
  text: string;
  images: ContentPart[];
} {
  if (typeof content === 'string') return { text: content, images: [] };
  let text = '';
  const images: ContentPart[] = [];
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    else images.push(part);
  }
  return { text, images };
}

/**
 * A client's `top_k` as the canonical one, whose 0 means every token (no top-k cut): vLLM's and
 * llama.cpp's (Ollama's) -1 means that too, so the OpenAI and Ollama APIs take it. Other negatives
 * mean nothing on any backend. `param` names the field as the client sent it.
 */
export function canonicalTopK(topK: number | null | undefined, param: string): number | undefined {
  if (topK === null || topK === undefined) return undefined;
  if (topK === -1) return 0;
  if (topK < 0) {
    throw badField(`${param} must be at least 1, or 0 or -1 for no top-k cut`, param);
  }
  return topK;
}

// Stand-ins for the fields routing fills in, so the canonical schema can check the rest.
const ROUTED = { id: 'check', model: 'check' } as const;

/**
 * Runs the canonical schema over a translation, so a bad value is a 400 here, not later. The
 * error names the client's field: `clientNames` maps canonical fields the API calls otherwise
 * (Anthropic's `stop_sequences` is the canonical `stop`).
 */
export function checked(
  schema: z.ZodType,
  canonical: Record<string, unknown>,
  clientNames: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  const parsed = schema.safeParse(Object.assign({}, canonical, ROUTED));
  if (parsed.success) return canonical;
  const path = parsed.error.issues[0]?.path;
  const field = path?.[0];
  const clientName = typeof field === 'string' ? clientNames[field] : undefined;
  if (path !== undefined && clientName !== undefined) path[0] = clientName;
  throw badRequestFrom(parsed.error);
}
