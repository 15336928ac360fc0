import type { LogLine } from '@switchyard/contracts';

/** Longer lines are cut here, so a program that never writes a newline cannot fill memory. */
export const MAX_LINE_CHARS = 8_192;

/**
 * Splits a stream of output chunks into lines, cutting over-long ones, and hands each line on.
 * The caller feeds it `Buffer`s as they come and calls `flush()` when the stream ends.
 */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.replace(/\r$/, '').slice(0, MAX_LINE_CHARS));
    if (this.partial.length > MAX_LINE_CHARS) {
      this.onLine(this.partial.slice(0, MAX_LINE_CHARS));
      this.partial = '';
    }
  }

  flush(): void {
    if (this.partial !== '') this.onLine(this.partial);
    this.partial = '';
  }
}

/** The last `capacity` lines a backend wrote, oldest first. */
export class OutputBuffer {
  private readonly lines: LogLine[] = [];

  constructor(private readonly capacity: number) {}

  add(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  /** The last `count` lines (all of them by default). */
  tail(count = this.capacity): LogLine[] {
    return this.lines.slice(-count);
  }
}
