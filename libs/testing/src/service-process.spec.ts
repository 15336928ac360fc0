import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ServiceStopTimeoutError, startServiceProcess, stopProcesses } from './service-process.js';

/** A node program that logs one JSON line, then does what `onSigterm` says on SIGTERM. */
function program(onSigterm: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'switchyard-service-process-')), 'program.mjs');
  writeFileSync(
    file,
    [
      `const say = (msg) => console.log(JSON.stringify({ msg }));`,
      `process.on('SIGTERM', () => { ${onSigterm} });`,
      `setInterval(() => undefined, 1000);`,
      `say('started');`,
    ].join('\n'),
  );
  return file;
}

describe('ServiceProcess.stop', () => {
  let stderr: ReturnType<typeof jest.spyOn>;
  const said = (): string =>
    (stderr.mock.calls as unknown[][]).map(([text]) => String(text)).join('');
  // What a stuck process's error says is also written to stderr at once; kept out of the run's
  // output here, and checked.
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  it('resolves with how a process that heeds its signal ended', async () => {
    const service = startServiceProcess(program(`say('stopping'); process.exit(0);`));
    await service.waitForLog('started');
    await expect(service.stop('SIGTERM')).resolves.toEqual({ code: 0, signal: null });
  });

  it('kills a process that outlives its signal, and fails quoting what it last said', async () => {
    const service = startServiceProcess(program(`say('ignoring SIGTERM');`));
    await service.waitForLog('started');
    const error = await service.stop('SIGTERM', { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceStopTimeoutError);
    expect((error as Error).message).toMatch(/still running 500 ms after SIGTERM; killed it/);
    expect((error as Error).message).toMatch(/ignoring SIGTERM/);
    expect(service.child.signalCode).toBe('SIGKILL');
    expect(said()).toContain((error as Error).message);
  });

  it('stops several at once, waits for every one, and reports the one that was stuck', async () => {
    const heeding = startServiceProcess(program(`setTimeout(() => process.exit(0), 300);`));
    const stuck = startServiceProcess(program(`say('ignoring SIGTERM');`));
    await Promise.all([heeding.waitForLog('started'), stuck.waitForLog('started')]);
    const stopping = stopProcesses([stuck, heeding], 'SIGTERM', { timeoutMs: 1_000 });
    await expect(stopping).rejects.toBeInstanceOf(ServiceStopTimeoutError);
    expect(said()).toMatch(/still running 1000 ms after SIGTERM/);
    expect(heeding.child.exitCode).toBe(0);
    expect(stuck.child.signalCode).toBe('SIGKILL');
  });
});
