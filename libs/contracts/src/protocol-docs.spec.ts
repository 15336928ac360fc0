import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ERROR_CATALOGUE } from './errors/error-catalogue.js';
import { encodeModelToken } from './subjects/model-token.js';

// docs/protocol.md is the integrators' contract; these checks keep its tables true to the code.
const protocolDoc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/^`|`$/g, '')),
    );
}

describe('docs/protocol.md', () => {
  it('lists exactly the error catalogue', () => {
    const section =
      protocolDoc
        .split('<!-- error-catalogue:start -->')[1]
        ?.split('<!-- error-catalogue:end -->')[0] ?? '';
    const documented = tableRows(section).map(([code, retryable, status, meaning]) => ({
      code,
      retryable,
      status,
      meaning,
    }));
    const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, info]) => ({
      code,
      retryable: info.retryable ? 'yes' : 'no',
      status: String(info.httpStatus),
      meaning: info.summary,
    }));
    expect(documented).toEqual(catalogue);
  });

  it('shows model-name tokens exactly as the encoder writes them', () => {
    const section = protocolDoc.split('| Model name')[1]?.split('\n\n')[0] ?? '';
    const rows = tableRows(`| Model name${section}`);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const [name, token] of rows) expect(encodeModelToken(name ?? '')).toBe(token);
  });
});
