import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { configReferenceMarkdown } from './config-reference.js';
import { switchyardConfigSchema } from './config-schema.js';

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

  it('gives every field the default the services apply when it is left out', () => {
    const defaults: unknown = switchyardConfigSchema.parse({});
    const rows = cells(configReferenceMarkdown()).slice(1);
    for (const [path = '', , fallback] of rows) {
      const field = path.replaceAll('`', '');
      const keys = field.split('.');
      const section = keys
        .slice(0, -1)
        .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], defaults);
      // A list's entries, and the fields of an optional section left out, have no value here.
      if (field.includes('[]') || section === undefined) continue;
      const value = (section as Record<string, unknown>)[keys.at(-1) as string];
      const shown = JSON.stringify(value);
      if (value === undefined) expect([field, fallback]).toEqual([field, '']);
      else if (Array.isArray(value) && shown.length > 48) {
        expect([field, fallback]).toEqual([
          field,
          `\`[${JSON.stringify(value[0])}, …]\` (${value.length} entries)`,
        ]);
      } else expect([field, fallback]).toEqual([field, `\`${shown}\``]);
    }
  });
});
