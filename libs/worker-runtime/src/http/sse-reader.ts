import { DEFAULT_MAX_LINE_LENGTH, splitLines, type ByteSource } from './line-splitter.js';
import { parseJsonLine } from './ndjson-reader.js';
import {
  isRecord,
  translateHttpStatusError,
  type BackendErrorTranslator,
} from './backend-errors.js';

/** One server-sent event: its `event:` name (if any) and its `data:` lines joined with `\n`. */
export interface SseEvent {
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * Parses lines into server-sent events by the rules the official OpenAI SDK applies
 * (`src/core/streaming.ts`): a blank line ends an event; `:` starts a comment; a field is split
 * at its first `:` and loses one leading space; `data:` lines are joined with `\n`; other fields
 * (`id`, `retry`) are ignored; an event that never saw its blank line is dropped.
 */
export async function* readSseEvents(
  lines: AsyncIterable<string>,
): AsyncGenerator<SseEvent, void, undefined> {
  let event: string | undefined;
  let data: string[] = [];
  for await (const line of lines) {
    if (line.length === 0) {
      if (event === undefined && data.length === 0) continue;
      yield { event, data: data.join('\n') };
      event = undefined;
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
}

export interface SseJsonReaderOptions {
  /** Turns an `error` event into a catalogued error; the kind's translator. */
  translateError?: BackendErrorTranslator;
  maxLineLength?: number;
}

/**
 * Reads an OpenAI-style event stream as parsed JSON chunks. Ends at `data: [DONE]` (anything
 * after it is never read). An event whose JSON has a top-level `error`, or an event named
 * `error`, is thrown as the translator's catalogued error with status 200 (the HTTP status of a
 * stream that has started), the way the SDK raises `APIError` mid-stream. Malformed JSON is a
 * `backend_error`.
 */
export async function* readSseJson(
  source: ByteSource,
  options: SseJsonReaderOptions = {},
): AsyncGenerator<unknown, void, undefined> {
  const translateError = options.translateError ?? translateHttpStatusError;
  const lines = splitLines(source, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH);
  for await (const sse of readSseEvents(lines)) {
    if (sse.data.startsWith('[DONE]')) return;
    if (sse.event === 'error') {
      throw translateError({ status: 200, body: parseLeniently(sse.data), text: sse.data });
    }
    const json = parseJsonLine(sse.data, 'server-sent event');
    if (isRecord(json) && isPresent(json['error'])) {
      throw translateError({ status: 200, body: json, text: sse.data });
    }
    yield json;
  }
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== '';
}

function parseLeniently(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
