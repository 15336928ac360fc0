import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BackendStatus } from '@switchyard/contracts';
import { freePorts } from '@switchyard/testing';
import { isListening } from '../src/stack/tcp-probe.js';
import { FleetBed, managedSim } from './support/fleet-bed.js';

// `switchyard start|stop|restart` drive a managed Ollama sim through the real orchestrator.
describe('switchyard start, restart and stop', () => {
  let bed: FleetBed;
  let port: number;

  beforeAll(async () => {
    [port] = (await freePorts(1)) as [number];
    bed = await FleetBed.start(
      {
        backends: [managedSim('sim-managed', port)],
      },
      ['orchestrator'],
    );
  }, 90_000);

  afterAll(async () => {
    await bed?.close();
  });

  let firstPid: number;

  it('start waits until the backend is ready and prints its new status', async () => {
    const run = await bed.cli(['start', 'sim-managed']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^sim-managed ready \(pid (\d+), managed\)\n$/);
    firstPid = Number(/pid (\d+)/.exec(run.stdout)?.[1]);
    const version = await fetch(`http://127.0.0.1:${port}/api/version`);
    expect(version.status).toBe(200);
  }, 60_000);

  it('restart --json prints the status with a new process', async () => {
    const run = await bed.cli(['restart', 'sim-managed', '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const status = JSON.parse(run.stdout) as BackendStatus;
    expect(status).toMatchObject({ backend: 'sim-managed', state: 'ready', mode: 'managed' });
    expect(status.pid).toEqual(expect.any(Number));
    expect(status.pid).not.toBe(firstPid);
  }, 60_000);

  it('stop waits until the backend is gone', async () => {
    const run = await bed.cli(['stop', 'sim-managed']);
    expect(run).toMatchObject({ code: 0, stdout: 'sim-managed stopped (managed)\n', stderr: '' });
    expect(await isListening('127.0.0.1', port)).toBe(false);
  }, 60_000);
});
