import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { runServiceLifecycle } from '@switchyard/testing';

const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('discovery process', () => {
  it('starts from its build, connects to NATS under its name, and exits 0 on SIGTERM', async () => {
    const run = await runServiceLifecycle(entry, 'discovery');
    expect(run.connectionNames).toContain('discovery');
    expect(run.exit).toEqual({ code: 0, signal: null });
    expect(run.messages).toEqual(
      expect.arrayContaining(['discovery started', 'discovery shutting down', 'discovery stopped']),
    );
    expect(run.logs.every((line) => line['service'] === 'discovery')).toBe(true);
  });
});
