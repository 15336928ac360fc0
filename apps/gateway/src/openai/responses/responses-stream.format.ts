import type { SwitchyardError } from '@switchyard/contracts';
import type { StreamFormat } from '../../http/response-streams.js';

/**
 * Server-sent events as the Responses API streams them: each event named by its `type` (an
 * `event:` line as well as the field), and no `[DONE]`: `response.completed` (or `incomplete`,
 * `failed`) is the last event.
 */
export const RESPONSES_SSE: StreamFormat = {
  contentType: 'text/event-stream; charset=utf-8',
  encode: (event) =>
    `event: ${(event as { type: string }).type}\ndata: ${JSON.stringify(event)}\n\n`,
  error: (error: SwitchyardError) =>
    `event: error\ndata: ${JSON.stringify({
      type: 'error',
      code: error.code,
      message: error.message,
      param: error.details?.['param'] ?? null,
    })}\n\n`,
};
