import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePorts, waitFor } from '@switchyard/testing';
import { isAlive, managedSim, OrchestratorBed } from './support/orchestrator-bed.js';

// One managed sim through its whole life: start, crash and restart, stop.
describe('a managed backend', () => {
  let bed: OrchestratorBed;
  let port: number;

  beforeAll(async () => {
    [port] = (await freePorts(1)) as [number];
    bed = await OrchestratorBed.start({
      backends: [managedSim('sim-ollama', port)],
    });
  }, 60_000);

  afterAll(async () => {
    await bed.close();
  });

  it('is stopped until asked, then starts and reports ready', async () => {
    expect((await bed.status('sim-ollama'))[0]).toMatchObject({
      state: 'stopped',
      mode: 'managed',
    });
    const status = await bed.command('start', 'sim-ollama');
    expect(status).toMatchObject({ backend: 'sim-ollama', state: 'ready', restarts: 0 });
    expect(status.pid).toEqual(expect.any(Number));
    await bed.waitForEvent('sim-ollama', 'starting');
    const ready = await bed.waitForEvent('sim-ollama', 'ready');
    expect(ready.previous_state).toBe('starting');
    const version = await fetch(`http://127.0.0.1:${port}/api/version`);
    expect(version.status).toBe(200);
  });

  it('keeps the output of the backend, line by line, for logs', async () => {
    const lines = await bed.logs('sim-ollama');
    expect(
      lines.some((line) => line.stream === 'stdout' && line.line.includes('"listening"')),
    ).toBe(true);
    const tagged = bed.orchestrator
      .logs()
      .filter((line) => line['backend'] === 'sim-ollama' && line['stream'] === 'stdout');
    expect(tagged.some((line) => String(line['msg']).includes('"listening"'))).toBe(true);
  });

  it('restarts after a SIGKILL, with backoff, and is ready again', async () => {
    const before = (await bed.status('sim-ollama'))[0];
    const after = bed.events.length;
    process.kill(before?.pid as number, 'SIGKILL');
    const crashed = await bed.waitForEvent('sim-ollama', 'crashed', { after });
    expect(crashed.signal ?? crashed.exit_code).toBeDefined();
    const restarting = await bed.waitForEvent('sim-ollama', 'restarting', { after });
    expect(restarting.message).toMatch(/restarting in \d+ ms/);
    await bed.waitForEvent('sim-ollama', 'ready', { after });
    const now = (await bed.status('sim-ollama'))[0];
    expect(now).toMatchObject({ state: 'ready', restarts: 1 });
    expect(now?.pid).not.toBe(before?.pid);
  });

  it('stops with SIGTERM, leaving no process behind', async () => {
    const { pid } = (await bed.status('sim-ollama'))[0] as { pid: number };
    const status = await bed.command('stop', 'sim-ollama');
    expect(status.state).toBe('stopped');
    expect(status.pid).toBeUndefined();
    const lines = await bed.logs('sim-ollama');
    // The sim says which signal stopped it.
    expect(lines.some((line) => /"event":"stopping".*"signal":"SIGTERM"/.test(line.line))).toBe(
      true,
    );
    await waitFor(() => !isAlive(pid), { timeoutMs: 5_000, description: 'the sim to be gone' });
    await bed.waitForEvent('sim-ollama', 'stopped');
  });
});
