import { describe, expect, it } from '@jest/globals';
import { LineSplitter, MAX_LINE_CHARS, OutputBuffer } from './output-lines.js';

describe('LineSplitter', () => {
  it('joins chunks into lines, drops CR, and flushes the last partial line', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push('first li');
    splitter.push('ne\r\nsecond\nthi');
    splitter.push(Buffer.from('rd'));
    splitter.flush();
    expect(lines).toEqual(['first line', 'second', 'third']);
  });

  it('cuts a line that never ends, so memory stays bounded', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push('x'.repeat(MAX_LINE_CHARS * 3));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toHaveLength(MAX_LINE_CHARS);
  });
});

describe('OutputBuffer', () => {
  it('keeps only the last lines, oldest first', () => {
    const buffer = new OutputBuffer(3);
    for (let i = 1; i <= 5; i++) buffer.add({ stream: 'stdout', line: `${i}`, at: '' });
    expect(buffer.tail().map((l) => l.line)).toEqual(['3', '4', '5']);
    expect(buffer.tail(2).map((l) => l.line)).toEqual(['4', '5']);
    expect(buffer.tail(0)).toEqual([]);
  });

  it('keeps the order across many turns of its ring', () => {
    const buffer = new OutputBuffer(1_000);
    for (let i = 1; i <= 123_456; i++) buffer.add({ stream: 'stdout', line: `${i}`, at: '' });
    const lines = buffer.tail().map((l) => Number(l.line));
    expect(lines).toEqual(Array.from({ length: 1_000 }, (_v, i) => 122_457 + i));
    expect(buffer.tail(3).map((l) => l.line)).toEqual(['123454', '123455', '123456']);
  });
});
