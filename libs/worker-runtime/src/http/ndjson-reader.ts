import { SwitchyardError } from '@switchyard/contracts';
import { DEFAULT_MAX_LINE_LENGTH, LineSplitter, type ByteSource } from './line-splitter.js';

export interface NdjsonReaderOptions {
  /** Default 16 MiB. */
  maxLineLength?: number;
}

/**
 * Reads newline-delimited JSON (Ollama's streams): one parsed value per non-blank line. A line
 * that is not JSON is a `backend_error` whose cause is the parse error and whose details show the
 * start of the line.
 */
export async function* readNdjson(
  source: ByteSource,
  options: NdjsonReaderOptions = {},
): AsyncGenerator<unknown, void, undefined> {
  const splitter = new LineSplitter(options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH);
  for await (const chunk of source) {
    for (const value of ndjsonValues(splitter.push(chunk))) yield value;
  }
  for (const value of ndjsonValues(splitter.end())) yield value;
}

/**
 * The values of complete NDJSON lines (from a {@link LineSplitter}), blank lines skipped, one at
 * a time: a malformed line throws when it is reached, after the values before it.
 */
export function* ndjsonValues(lines: readonly string[]): Generator<unknown, void, undefined> {
  for (const line of lines) if (line.trim().length > 0) yield parseJsonLine(line, 'NDJSON line');
}

/** Parses one line of a stream; malformed JSON is a catalogued `backend_error`. */
export function parseJsonLine(line: string, what: string): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    throw new SwitchyardError('backend_error', `the backend sent a malformed ${what}`, {
      details: { line: line.slice(0, 200) },
      cause: error,
    });
  }
}
