import type { SwitchyardError } from '@switchyard/contracts';
import { anthropicErrorObject } from '../http/error-envelopes.js';
import type { StreamFormat } from '../http/response-streams.js';

/**
 * Server-sent events as Anthropic streams them: each named by its `type` on an `event:` line
 * (Anthropic's SDKs read only named events), `message_stop` last, and a failure after the stream
 * started as an `error` event.
 */
export const ANTHROPIC_SSE: StreamFormat = {
  contentType: 'text/event-stream; charset=utf-8',
  encode: (event) =>
    `event: ${(event as { type: string }).type}\ndata: ${JSON.stringify(event)}\n\n`,
  error: (error: SwitchyardError) =>
    `event: error\ndata: ${JSON.stringify({ type: 'error', error: anthropicErrorObject(error) })}\n\n`,
};
