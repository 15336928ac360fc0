import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

const root = new URL('../../', import.meta.url);

// The README's quick start (`npm start`, `npm test`) runs nx. On a terminal, nx asks whether to
// share usage data unless nx.json answers it ("analytics": true or false), and waits for a key:
// `npm start` would stop at the question on a fresh clone, and answering it rewrites nx.json.
describe('the quick start on a terminal', () => {
  it('leaves nx no question to ask: nx.json answers the analytics one', () => {
    const nxJson = JSON.parse(readFileSync(new URL('nx.json', root), 'utf8')) as {
      analytics?: unknown;
    };
    expect(nxJson.analytics).toBe(false);
  });
});
