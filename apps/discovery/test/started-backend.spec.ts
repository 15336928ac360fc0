import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { freePorts } from '@switchyard/testing';
import { DiscoveryHarness } from './support/discovery-harness.js';

/** Long enough that a check it holds back cannot come within the test's waits. */
const MAX_BACKOFF_MS = 120_000;

// A managed backend that was down a while (stopped when idle) is checked once per max_backoff_ms.
// When a request makes the orchestrator start it again, its `ready` event tells discovery to look
// now: workers serve what the registry lists, so the request would otherwise wait for the check.
describe('a backend the orchestrator says is ready', () => {
  let harness: DiscoveryHarness;
  let sim: RunningSimulator | undefined;
  let port: number;

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    [port] = (await freePorts(1)) as [number];
    await harness.startDiscovery({
      backends: [{ id: 'idle-ollama', kind: 'ollama', url: `http://127.0.0.1:${port}` }],
      discovery: { well_known_ports: false, max_backoff_ms: MAX_BACKOFF_MS },
    });
  });

  afterAll(async () => {
    await harness.close();
    await sim?.close();
  });

  const announce = (state: string): void =>
    harness.nc.publish(
      harness.subjects.lifecycle('idle-ollama'),
      JSON.stringify({ backend: 'idle-ollama', state, at: new Date().toISOString() }),
    );

  it('is checked at once, although its breaker holds checks back', async () => {
    // Five failures in a row open the breaker: the next check would come after MAX_BACKOFF_MS.
    await harness.waitForEntry('idle-ollama', (e) => e.consecutive_failures >= 5, 10_000);
    sim = await startSimulator({ kind: 'ollama', port, loadMs: 0 });

    // Events of other states, and messages that are no event, change nothing.
    announce('starting');
    harness.nc.publish(harness.subjects.lifecycle('idle-ollama'), 'not json');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await harness.snapshot()).find((e) => e.id === 'idle-ollama')?.state).toBe('offline');

    announce('ready');
    const entry = await harness.waitForEntry('idle-ollama', (e) => e.state === 'healthy');
    expect(entry.models.map((model) => model.name)).toEqual([
      'all-minilm:latest',
      'llama3.2:latest',
    ]);
  }, 30_000);
});
