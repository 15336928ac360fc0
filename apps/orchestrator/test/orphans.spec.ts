import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePorts, waitFor } from '@switchyard/testing';
import { isAlive, managedSim, OrchestratorBed } from './support/orchestrator-bed.js';

// The orchestrator killed outright (SIGKILL: no handler runs) must not leave its backends behind.
describe('an orchestrator killed with SIGKILL', () => {
  let bed: OrchestratorBed;

  beforeAll(async () => {
    const [port] = (await freePorts(1)) as [number];
    bed = await OrchestratorBed.start({
      orchestrator: { stop_grace_ms: 1_000 },
      backends: [managedSim('left-behind', port)],
    });
  }, 60_000);

  afterAll(async () => {
    await bed.close();
  });

  it('takes the backend and its children down with it', async () => {
    const { pid } = await bed.command('start', 'left-behind');
    expect(isAlive(pid as number)).toBe(true);
    bed.orchestrator.child.kill('SIGKILL');
    await bed.orchestrator.exited;
    await waitFor(() => !isAlive(pid as number), {
      timeoutMs: 10_000,
      description: 'the managed sim to be gone after the orchestrator died',
    });
  });
});
