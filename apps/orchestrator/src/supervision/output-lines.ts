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

/**
 * The last `capacity` lines a backend wrote, oldest first: a ring, so that a chatty backend's
 * every line costs the same however many are kept (`orchestrator.log_lines` goes to 100,000).
 */
export class OutputBuffer {
  private readonly lines: LogLine[] = [];
  /** Where the oldest line is, once the ring is full. */
  private oldest = 0;

  constructor(private readonly capacity: number) {}

  add(line: LogLine): void {
    if (this.lines.length < this.capacity) {
      this.lines.push(line);
      return;
    }
    this.lines[this.oldest] = line;
    this.oldest = (this.oldest + 1) % this.capacity;
  }

  /** The last `count` lines (all of them by default), oldest first. */
  tail(count = this.capacity): LogLine[] {
    const size = this.lines.length;
    const taken: LogLine[] = [];
    for (let i = size - Math.min(Math.max(count, 0), size); i < size; i++) {
      taken.push(this.lines[(this.oldest + i) % size] as LogLine);
    }
    return taken;
  }
}
