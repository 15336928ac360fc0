import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { runServiceLifecycle } from '@switchyard/testing';

const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('gateway process', () => {
  it('starts from its build, connects to NATS under its name, and exits 0 on SIGTERM', async () => {
    // Port 0: the default 8484 may be taken on a shared machine.
    const run = await runServiceLifecycle(entry, 'gateway', { SWITCHYARD_GATEWAY__PORT: '0' });
    expect(run.connectionNames).toContain('gateway');
    expect(run.exit).toEqual({ code: 0, signal: null });
    expect(run.messages).toEqual(
      expect.arrayContaining([
        'gateway listening',
        'gateway started',
        'gateway shutting down',
        'gateway stopped',
      ]),
    );
    expect(run.logs.every((line) => line['service'] === 'gateway')).toBe(true);
    // Who may call is said at start-up: with no keys, local clients only.
    const listening = run.logs.find((line) => line['msg'] === 'gateway listening');
    expect(listening?.['access']).toBe(
      'local clients only: no API keys (set gateway.api_key_hashes to serve others)',
    );
  });
});
