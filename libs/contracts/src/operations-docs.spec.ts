import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ERROR_CATALOGUE } from './errors/error-catalogue.js';

// docs/operations.md troubleshoots by error code: its table says, for each code, the HTTP status
// a client sees and whether the gateway retries it. Operators act on those columns, so they
// must be the catalogue's, as protocol.md's table is (protocol-docs.spec.ts).
const operationsDoc = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');

/** The rows of the table under `## Troubleshooting by error code`: code, HTTP, retryable. */
function troubleshootingRows(): string[][] {
  const section = operationsDoc.split('## Troubleshooting by error code')[1] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .split('|')
        .slice(1, 4)
        .map((cell) => cell.trim().replace(/^`|`$/g, '')),
    );
}

describe('docs/operations.md', () => {
  it('troubleshoots every catalogued code with its HTTP status and retryability', () => {
    const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, info]) => [
      code,
      String(info.httpStatus),
      info.retryable ? 'yes' : 'no',
    ]);
    expect(troubleshootingRows()).toEqual(catalogue);
  });
});
