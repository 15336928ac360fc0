import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { freePorts } from '@switchyard/testing';
import { FleetBed, managedSim } from './support/fleet-bed.js';

const MODEL = 'llama3.2:latest';

// A model only a stopped managed backend lists is started by a chat, as through the gateway.
describe('switchyard chat for a model of a stopped managed backend', () => {
  let bed: FleetBed;

  beforeAll(async () => {
    const [port] = (await freePorts(1)) as [number];
    bed = await FleetBed.start(
      {
        backends: [managedSim('sim-managed', port, { models: [MODEL] })],
      },
      ['orchestrator', 'discovery', 'ollama-worker'],
    );
  }, 90_000);

  afterAll(async () => {
    await bed?.close();
  }, 30_000);

  it('asks the orchestrator to start it, then answers', async () => {
    const run = await bed.cli(['chat', MODEL, 'Say hello.']);
    expect(run.code).toBe(0);
    const messages = [{ role: 'user' as const, content: 'Say hello.' }];
    expect(run.stdout.trimEnd()).toBe(expectedCompletion({ model: MODEL, messages }).text);
    expect(run.stderr).toBe(
      `switchyard: no worker serves "${MODEL}" now: starting backend sim-managed\n`,
    );
    const status = await bed.cli(['status', '--json']);
    expect(status.stdout).toContain('"state":"ready"');
  }, 60_000);

  it('still names the model when no backend lists it', async () => {
    const run = await bed.cli(['chat', 'qwen3:0.6b', 'Hi']);
    expect(run.code).toBe(69);
    expect(run.stderr).toContain('no worker serves model "qwen3:0.6b"');
  }, 30_000);
});
