import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { runServiceLifecycle } from '@switchyard/testing';

const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('ollama-worker process', () => {
  it('starts from its build, connects to NATS under its name, and exits 0 on SIGTERM', async () => {
    const run = await runServiceLifecycle(entry, 'ollama-worker');
    expect(run.connectionNames).toContain('ollama-worker');
    expect(run.exit).toEqual({ code: 0, signal: null });
    expect(run.messages).toEqual(
      expect.arrayContaining([
        'ollama-worker started',
        'ollama-worker shutting down',
        'ollama-worker stopped',
      ]),
    );
    expect(run.logs.every((line) => line['service'] === 'ollama-worker')).toBe(true);
  });
});
