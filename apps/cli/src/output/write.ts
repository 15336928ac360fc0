/** Why a command stopped early: whoever read its stdout has gone (`switchyard chat | head -1`). */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
}

const closed = new AbortController();

/** Aborted (with an {@link OutputClosedError}) once stdout's reader has gone. */
export const stdoutClosed: AbortSignal = closed.signal;

/**
 * Makes a closed stdout end the command quietly rather than crash it. Node ignores SIGPIPE, so a
 * write to a pipe whose reader has gone fails with EPIPE, an `error` event that nobody handles
 * and that ends the process with a stack trace. Here it aborts {@link stdoutClosed} instead,
 * which cancels the request in flight (a chat stops generating at the backend); the command then
 * exits 0, as `head` closing the pipe early is the reader's choice, not a failure (a C tool dies
 * of SIGPIPE, which a shell with `pipefail` would count as one). A closed stderr drops the notes.
 * Other write errors still end the process as before.
 */
export function watchOutput(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (!closed.signal.aborted) closed.abort(new OutputClosedError('stdout was closed'));
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/** Writes text to stdout as it is, unless stdout has been closed. */
export function writeText(text: string): void {
  if (!stdoutClosed.aborted) process.stdout.write(text);
}

/** Writes one line to stdout. */
export function writeLine(text: string): void {
  writeText(`${text}\n`);
}

/** Writes one value as one line of JSON to stdout (`--json`: one object per line). */
export function writeJson(value: unknown): void {
  writeText(`${JSON.stringify(value)}\n`);
}

/** Writes a note for the person at the terminal to stderr, so stdout stays the answer. */
export function writeNote(text: string): void {
  process.stderr.write(`switchyard: ${text}\n`);
}
