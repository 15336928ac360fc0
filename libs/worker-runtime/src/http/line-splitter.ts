import { SwitchyardError } from '@switchyard/contracts';

/** The longest line a backend may send (a line holds one JSON object or one SSE field). */
export const DEFAULT_MAX_LINE_LENGTH = 16 * 1024 * 1024;

/** Where lines come from: a response body, or recorded chunks in a test. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

const LF = 10;
const CR = 13;

/**
 * Splits a byte stream into lines ended by `\n`, `\r\n` or `\r` (the rules of SSE, which also
 * cover NDJSON), decoding UTF-8 across chunk boundaries, as the chunks come: `push` returns the
 * lines a chunk completes, `end` the last line if the stream ended without a terminator. A line
 * longer than `maxLineLength` characters is a `backend_error`: a backend that never ends its line
 * must not grow our memory without bound.
 *
 * It is synchronous on purpose: the readers built on it handle every line of a chunk in one go,
 * where a generator per line would cost a few promise turns per line, and a streamed token is a
 * line or two.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder();
  private carry = '';
  private afterCR = false;

  constructor(private readonly maxLineLength: number = DEFAULT_MAX_LINE_LENGTH) {}

  /** The lines this chunk completes, in order. */
  push(chunk: Uint8Array | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const lines: string[] = [];
    if (text.length === 0) return lines;
    let start = this.afterCR && text.charCodeAt(0) === LF ? 1 : 0;
    this.afterCR = false;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      const line = this.carry + text.slice(start, i);
      this.carry = '';
      if (line.length > this.maxLineLength) throw lineTooLong(this.maxLineLength);
      lines.push(line);
      if (c === CR) {
        if (i + 1 === text.length) this.afterCR = true;
        else if (text.charCodeAt(i + 1) === LF) i++;
      }
      start = i + 1;
    }
    if (start < text.length) {
      this.carry += text.slice(start);
      if (this.carry.length > this.maxLineLength) throw lineTooLong(this.maxLineLength);
    }
    return lines;
  }

  /** The last line of a stream that ended without a terminator (none or one). */
  end(): string[] {
    const rest = this.carry + this.decoder.decode();
    this.carry = '';
    if (rest.length > this.maxLineLength) throw lineTooLong(this.maxLineLength);
    return rest.length > 0 ? [rest] : [];
  }
}

/** The lines of a byte stream, one at a time (see {@link LineSplitter}). */
export async function* splitLines(
  source: ByteSource,
  maxLineLength: number = DEFAULT_MAX_LINE_LENGTH,
): AsyncGenerator<string, void, undefined> {
  const splitter = new LineSplitter(maxLineLength);
  for await (const chunk of source) {
    for (const line of splitter.push(chunk)) yield line;
  }
  for (const line of splitter.end()) yield line;
}

function lineTooLong(maxLineLength: number): SwitchyardError {
  return new SwitchyardError(
    'backend_error',
    `the backend sent a line longer than ${maxLineLength} characters`,
    { details: { max_line_length: maxLineLength } },
  );
}
