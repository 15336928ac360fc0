import type { SwitchyardError } from '@switchyard/contracts';
import type { StreamFormat } from '../http/response-streams.js';
import { openAIErrorObject } from '../http/error-envelopes.js';

/** Server-sent events as OpenAI streams them: `data: <json>` events closed by `data: [DONE]`. */
export const OPENAI_SSE: StreamFormat = {
  contentType: 'text/event-stream; charset=utf-8',
  encode: (message) => `data: ${JSON.stringify(message)}\n\n`,
  trailer: 'data: [DONE]\n\n',
  error: (error: SwitchyardError) =>
    `data: ${JSON.stringify({ error: openAIErrorObject(error) })}\n\n`,
};
