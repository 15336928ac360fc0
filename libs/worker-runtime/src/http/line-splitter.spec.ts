import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { LineSplitter, splitLines } from './line-splitter.js';

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  for (const part of parts) yield part;
}

async function collect(source: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of source) out.push(line);
  return out;
}

describe('splitLines', () => {
  it('ends lines at \\n, \\r\\n and \\r, keeping empty lines', async () => {
    expect(await collect(splitLines(chunks('a\nb\r\nc\rd\n\ne')))).toEqual([
      'a',
      'b',
      'c',
      'd',
      '',
      'e',
    ]);
  });

  it('joins lines split across chunks, including a \\r\\n split between two chunks', async () => {
    expect(await collect(splitLines(chunks('da', 'ta: 1\r', '\ndata: 2\r', 'x\n')))).toEqual([
      'data: 1',
      'data: 2',
      'x',
    ]);
  });

  it('decodes UTF-8 characters whose bytes are split across chunks', async () => {
    const bytes = new TextEncoder().encode('héllo 🚀\n');
    const cut = bytes.indexOf(0xf0) + 2;
    expect(
      await collect(splitLines(chunks(bytes.slice(0, 2), bytes.slice(2, cut), bytes.slice(cut)))),
    ).toEqual(['héllo 🚀']);
  });

  it('refuses a line longer than the limit, whether it ends or keeps growing', async () => {
    await expect(collect(splitLines(chunks('12345\n'), 4))).rejects.toMatchObject({
      code: 'backend_error',
    });
    const endless = splitLines(chunks('12', '34', '56'), 4);
    const error = await collect(endless).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).details).toEqual({ max_line_length: 4 });
    expect(await collect(splitLines(chunks('1234\n1234'), 4))).toEqual(['1234', '1234']);
  });
});

describe('LineSplitter', () => {
  it('returns every line a chunk completes at once and keeps the rest for the next chunk', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('data: 1\n\ndata: 2\n\nda')).toEqual(['data: 1', '', 'data: 2', '']);
    expect(splitter.push('ta: 3\r')).toEqual(['data: 3']);
    expect(splitter.push('\n')).toEqual([]);
    expect(splitter.push('tail')).toEqual([]);
    expect(splitter.end()).toEqual(['tail']);
    expect(splitter.end()).toEqual([]);
  });

  it('refuses an unterminated last line longer than the limit when the stream ends', () => {
    const splitter = new LineSplitter(3);
    const bytes = new TextEncoder().encode('123é');
    // The last character's second byte never comes: its first, held by the decoder, ends as U+FFFD.
    expect(splitter.push(bytes.slice(0, bytes.length - 1))).toEqual([]);
    expect(() => splitter.end()).toThrow(SwitchyardError);
  });
});
