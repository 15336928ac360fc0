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
 * Decodes an OpenAI-style event stream into parsed JSON chunks as its bytes come: `push` gives
 * the JSON of the events a chunk completes. The stream is over at `data: [DONE]` (`done`; nothing
 * after it is decoded). An event whose JSON has a top-level `error`, or an event named `error`,
 * is thrown as the translator's catalogued error with status 200 (the HTTP status of a stream
 * that has started), the way the SDK raises `APIError` mid-stream. Malformed JSON is a
 * `backend_error`.
 *
 * Synchronous, so that a reader handles every event of a chunk in one go: a generator between
 * the bytes and the events would cost each streamed token a few promise turns.
 */
export class SseJsonDecoder {
  private readonly translateError: BackendErrorTranslator;
  private readonly splitter: LineSplitter;
  private readonly events = new SseEventParser();
  private sawDone = false;

  constructor(options: SseJsonReaderOptions = {}) {
    this.translateError = options.translateError ?? translateHttpStatusError;
    this.splitter = new LineSplitter(options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH);
  }

  /** `data: [DONE]` has come: the stream is over. */
  get done(): boolean {
    return this.sawDone;
  }

  /**
   * The JSON of the events this chunk completes, up to `[DONE]`, one at a time: an event that
   * fails (an error, malformed JSON) throws when it is reached, after the events before it, so a
   * reader hands on the text a backend sent before failing. Read it to the end (or the failure).
   */
  *push(chunk: Uint8Array | string): Generator<unknown, void, undefined> {
    if (this.sawDone) return;
    for (const line of this.splitter.push(chunk)) {
      const sse = this.events.line(line);
      if (sse === undefined) continue;
      if (sse.data.startsWith('[DONE]')) {
        this.sawDone = true;
        return;
      }
      yield jsonOf(sse, this.translateError);
    }
  }

  /**
   * The body ended (without `[DONE]`): its last line, if unterminated, cannot end an event, but
   * may be too long.
   */
  end(): void {
    this.splitter.end();
  }
}

/** The JSON chunks of an OpenAI-style event stream (see {@link SseJsonDecoder}); never reads past `[DONE]`. */
export async function* readSseJson(
  source: ByteSource,
  options: SseJsonReaderOptions = {},
): AsyncGenerator<unknown, void, undefined> {
  const decoder = new SseJsonDecoder(options);
  for await (const chunk of source) {
    for (const json of decoder.push(chunk)) yield json;
    if (decoder.done) return;
  }
  decoder.end();
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
