import { UsageError } from './cli-errors.js';

/**
 * All of stdin as text, refusing more than `maxBytes` (a prompt, not a data set) rather than
 * buffering without bound.
 */
export async function readStdin(maxBytes: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxBytes) {
      process.stdin.destroy();
      throw new UsageError(`${what} on stdin is longer than ${maxBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
