import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { configReferenceMarkdown } from './config-reference.js';

const doc = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');

/** A Markdown table's cells, row by row, whatever the column padding. */
function cells(table: string): string[][] {
  return table
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

describe('docs/configuration.md', () => {
  it('lists every configuration field as the schema defines it (npm run schema rewrites it)', () => {
    const section =
      doc.split('<!-- config-reference:start -->')[1]?.split('<!-- config-reference:end -->')[0] ??
      '';
    expect(cells(section)).toEqual(cells(configReferenceMarkdown()));
  });

  it('names nested and list fields by their path', () => {
    const paths = cells(configReferenceMarkdown()).map(([path]) => path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '`nats.tls.ca_file`',
        '`backends[].command.program`',
        '`orchestrator.restart.max_restarts`',
        '`workers.ollama.replicas`',
      ]),
    );
  });
});
