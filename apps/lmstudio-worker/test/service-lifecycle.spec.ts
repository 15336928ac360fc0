import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { runServiceLifecycle } from '@switchyard/testing';

const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('lmstudio-worker process', () => {
  it('starts from its build, connects to NATS under its name, and exits 0 on SIGTERM', async () => {
    const run = await runServiceLifecycle(entry, 'lmstudio-worker');
    expect(run.connectionNames).toContain('lmstudio-worker');
    expect(run.exit).toEqual({ code: 0, signal: null });
    expect(run.messages).toEqual(
      expect.arrayContaining([
        'lmstudio-worker started',
        'lmstudio-worker shutting down',
        'lmstudio-worker stopped',
      ]),
    );
    expect(run.logs.every((line) => line['service'] === 'lmstudio-worker')).toBe(true);
  });
});
