import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion, startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { startServiceProcess, type ServiceProcess } from '@switchyard/testing';
import type { ServedModel } from '../src/fleet/fleet-workers.js';
import { FleetBed } from './support/fleet-bed.js';

const WORKER_ENTRY = fileURLToPath(new URL('../../ollama-worker/dist/main.js', import.meta.url));
const MODEL = 'llama3.2:latest';

// A fleet under a dotted prefix (`acme.ai`, which the schema allows), beside a fleet under the
// default prefix on the same NATS server: each serves and lists only its own.
describe('a fleet under its own subject prefix', () => {
  let sim: RunningSimulator;
  let bed: FleetBed;
  let neighbour: ServiceProcess;

  beforeAll(async () => {
    sim = await startSimulator({ kind: 'ollama', port: 0, loadMs: 0, models: [MODEL] });
    bed = await FleetBed.start(
      {
        nats: { subject_prefix: 'acme.ai' },
        backends: [{ id: 'box', kind: 'ollama', url: sim.url }],
      },
      ['ollama-worker'],
    );
    neighbour = startServiceProcess(WORKER_ENTRY, {
      env: { SWITCHYARD_CONFIG: bed.configFile, SWITCHYARD_NATS__SUBJECT_PREFIX: 'switchyard' },
    });
    await neighbour.waitForLog('ollama-worker started', 45_000);
  }, 90_000);

  afterAll(async () => {
    await neighbour?.stop('SIGTERM');
    await bed?.close();
    await sim?.close();
  }, 30_000);

  it('serves requests: the queue groups of a dotted prefix are valid names', async () => {
    const run = await bed.cli(['chat', MODEL, 'Say hello.']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const messages = [{ role: 'user' as const, content: 'Say hello.' }];
    expect(run.stdout.trimEnd()).toBe(expectedCompletion({ model: MODEL, messages }).text);
  });

  it("lists its own workers, not the other prefix's, though both answer $SRV.INFO", async () => {
    for (const prefix of ['acme.ai', 'switchyard']) {
      const run = await bed.cli(['models', '--json'], {
        env: { SWITCHYARD_NATS__SUBJECT_PREFIX: prefix },
      });
      const { models } = JSON.parse(run.stdout) as { models: ServedModel[] };
      expect({ prefix, models }).toEqual({
        prefix,
        models: [{ model: MODEL, kinds: ['ollama'], workers: 1 }],
      });
    }
  });
});
