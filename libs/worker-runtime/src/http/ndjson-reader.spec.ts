import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { readNdjson } from './ndjson-reader.js';

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part;
}

async function collect(source: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const value of source) out.push(value);
  return out;
}

describe('readNdjson', () => {
  it('yields one value per line, skipping blank lines', async () => {
    const values = await collect(
      readNdjson(chunks('{"response":"Hel","done":false}\n\n{"resp', 'onse":"lo","done":true}\n')),
    );
    expect(values).toEqual([
      { response: 'Hel', done: false },
      { response: 'lo', done: true },
    ]);
  });

  it('turns a malformed line into a backend_error with the parse error as cause', async () => {
    const error = await collect(readNdjson(chunks('{"ok":1}\n{"broken\n'))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'backend_error', retryable: true });
    expect((error as SwitchyardError).details).toEqual({ line: '{"broken' });
    expect((error as SwitchyardError).cause).toBeInstanceOf(SyntaxError);
  });

  it('bounds the line length', async () => {
    await expect(
      collect(readNdjson(chunks(`{"a":"${'x'.repeat(100)}"}\n`), { maxLineLength: 50 })),
    ).rejects.toMatchObject({ code: 'backend_error' });
  });
});
