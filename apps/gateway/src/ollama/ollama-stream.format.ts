import type { StreamFormat } from '../http/response-streams.js';

/** Ollama's streams: one JSON object per line; a failure is an `{"error": …}` line. */
export const OLLAMA_NDJSON: StreamFormat = {
  contentType: 'application/x-ndjson',
  encode: (message) => `${JSON.stringify(message)}\n`,
  error: (error) => `${JSON.stringify({ error: error.message })}\n`,
};
