/**
 * Anthropic's SDKs send `anthropic-version` with every request: how `/v1/models`, a route both
 * APIs have, tells their clients from OpenAI's and answers each in its own shape.
 */
export function asksAnthropic(headers: Record<string, unknown>): boolean {
  return headers['anthropic-version'] !== undefined;
}

/**
 * Whether a request is Anthropic's: the Messages API (which shares OpenAI's `/v1` prefix, so is
 * told apart by its route), or any route called by one of Anthropic's clients. Its answers carry
 * {@link ANTHROPIC_REQUEST_ID_HEADER}, and its errors Anthropic's envelope.
 */
export function callsAnthropic(url: string, headers: Record<string, unknown>): boolean {
  return /^\/v1\/messages(?:[/?]|$)/.test(url) || asksAnthropic(headers);
}

/** Where Anthropic puts the request's id: its SDKs read it into `_request_id` and errors. */
export const ANTHROPIC_REQUEST_ID_HEADER = 'request-id';
