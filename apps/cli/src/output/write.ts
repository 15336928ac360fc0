/** Writes one line to stdout. */
export function writeLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Writes one value as one line of JSON to stdout (`--json`: one object per line). */
export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Writes a note for the person at the terminal to stderr, so stdout stays the answer. */
export function writeNote(text: string): void {
  process.stderr.write(`switchyard: ${text}\n`);
}
