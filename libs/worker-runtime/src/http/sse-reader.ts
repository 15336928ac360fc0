import { isRecord } from '@switchyard/contracts';
import { DEFAULT_MAX_LINE_LENGTH, LineSplitter, type ByteSource } from './line-splitter.js';
import { parseJsonLine } from './ndjson-reader.js';
import { translateHttpStatusError, type BackendErrorTranslator } from './backend-errors.js';

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
export class SseEventParser {
  private event: string | undefined;
  private data: string[] = [];

  /** The event this line ends, if it ends one. */
  line(line: string): SseEvent | undefined {
    if (line.length === 0) {
      if (this.event === undefined && this.data.length === 0) return undefined;
      const sse = { event: this.event, data: this.data.join('\n') };
      this.event = undefined;
      this.data = [];
      return sse;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    return undefined;
  }
}

/** The server-sent events in a stream of lines (see {@link SseEventParser}). */
export async function* readSseEvents(
  lines: AsyncIterable<string>,
): AsyncGenerator<SseEvent, void, undefined> {
  const parser = new SseEventParser();
  for await (const line of lines) {
    const sse = parser.line(line);
    if (sse !== undefined) yield sse;
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
  const splitter = new LineSplitter(options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH);
  const events = new SseEventParser();
  // Lines and events are parsed a chunk at a time, without a generator between them: the only
  // promise turns per streamed token are this generator's own.
  for await (const chunk of source) {
    for (const line of splitter.push(chunk)) {
      const sse = events.line(line);
      if (sse === undefined) continue;
      if (sse.data.startsWith('[DONE]')) return;
      yield jsonOf(sse, translateError);
    }
  }
  // The stream ended: its last line, if unterminated, cannot end an event, but may be too long.
  splitter.end();
}

/** An event's JSON; an error event, or JSON with an `error`, is thrown as the kind's error. */
function jsonOf(sse: SseEvent, translateError: BackendErrorTranslator): unknown {
  if (sse.event === 'error') {
    throw translateError({ status: 200, body: parseLeniently(sse.data), text: sse.data });
  }
  const json = parseJsonLine(sse.data, 'server-sent event');
  if (isRecord(json) && isPresent(json['error'])) {
    throw translateError({ status: 200, body: json, text: sse.data });
  }
  return json;
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
