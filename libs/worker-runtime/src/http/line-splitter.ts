import { SwitchyardError } from '@switchyard/contracts';

/** The longest line a backend may send (a line holds one JSON object or one SSE field). */
export const DEFAULT_MAX_LINE_LENGTH = 16 * 1024 * 1024;

/** Where lines come from: a response body, or recorded chunks in a test. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

const LF = 10;
const CR = 13;

/**
 * Splits a byte stream into lines ended by `\n`, `\r\n` or `\r` (the rules of SSE, which also
 * cover NDJSON), decoding UTF-8 across chunk boundaries. A last line without a terminator is
 * yielded too. A line longer than `maxLineLength` characters is a `backend_error`: a backend that
 * never ends its line must not grow our memory without bound.
 */
export async function* splitLines(
  source: ByteSource,
  maxLineLength: number = DEFAULT_MAX_LINE_LENGTH,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder();
  let carry = '';
  // A chunk that ended in `\r` may be followed by the `\n` of the same `\r\n` in the next chunk.
  let afterCR = false;

  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text.length === 0) continue;
    let start = afterCR && text.charCodeAt(0) === LF ? 1 : 0;
    afterCR = false;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      const line = carry + text.slice(start, i);
      carry = '';
      if (line.length > maxLineLength) throw lineTooLong(maxLineLength);
      yield line;
      if (c === CR) {
        if (i + 1 === text.length) afterCR = true;
        else if (text.charCodeAt(i + 1) === LF) i++;
      }
      start = i + 1;
    }
    if (start < text.length) {
      carry += text.slice(start);
      if (carry.length > maxLineLength) throw lineTooLong(maxLineLength);
    }
  }
  const rest = carry + decoder.decode();
  if (rest.length > maxLineLength) throw lineTooLong(maxLineLength);
  if (rest.length > 0) yield rest;
}

function lineTooLong(maxLineLength: number): SwitchyardError {
  return new SwitchyardError(
    'backend_error',
    `the backend sent a line longer than ${maxLineLength} characters`,
    { details: { max_line_length: maxLineLength } },
  );
}
