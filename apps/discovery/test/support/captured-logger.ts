import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@switchyard/service';

/** A discovery logger at `info` whose JSON lines are parsed into `lines`, for tests to read. */
export function capturedLogger(lines: Record<string, unknown>[]): Logger {
  return createLogger({
    service: 'discovery',
    config: { level: 'info', format: 'json' },
    destination: new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    }),
  });
}
