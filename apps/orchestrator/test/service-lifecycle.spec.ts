import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { runServiceLifecycle } from '@switchyard/testing';

const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('orchestrator process', () => {
  it('starts from its build, connects to NATS under its name, and exits 0 on SIGTERM', async () => {
    const run = await runServiceLifecycle(entry, 'orchestrator');
    expect(run.connectionNames).toContain('orchestrator');
    expect(run.exit).toEqual({ code: 0, signal: null });
    expect(run.messages).toEqual(
      expect.arrayContaining([
        'orchestrator started',
        'orchestrator shutting down',
        'orchestrator stopped',
      ]),
    );
    expect(run.logs.every((line) => line['service'] === 'orchestrator')).toBe(true);
  });
});
