import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Svcm } from '@nats-io/services';
import { connect } from '@nats-io/transport-node';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import {
  replyFrameSchema,
  workerEndpointMetadata,
  workerServiceMetadata,
} from '@switchyard/contracts';
import { closeConnection } from '@switchyard/testing';
import type { ServedModel } from '../src/fleet/fleet-workers.js';
import { FleetBed } from './support/fleet-bed.js';

// `switchyard models` asks the workers themselves ($SRV.INFO): no discovery, no orchestrator.
describe('switchyard models', () => {
  let bed: FleetBed;
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({
      kind: 'ollama',
      port: 0,
      models: ['llama3.2:latest', 'qwen3:0.6b'],
    });
    bed = await FleetBed.start({ backends: [{ id: 'box', kind: 'ollama', url: sim.url }] }, [
      'ollama-worker',
    ]);
  }, 90_000);

  afterAll(async () => {
    await bed?.close();
    await sim?.close();
  });

  it('lists the models the workers serve now, with their kinds, as JSON', async () => {
    const run = await bed.cli(['models', '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const { models } = JSON.parse(run.stdout) as { models: ServedModel[] };
    expect(models).toEqual([
      { model: 'llama3.2:latest', kinds: ['ollama'], workers: 1 },
      { model: 'qwen3:0.6b', kinds: ['ollama'], workers: 1 },
    ]);
  });

  it('prints them as a table', async () => {
    const run = await bed.cli(['models']);
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split(/\s+/)),
    ).toEqual([
      ['MODEL', 'KINDS', 'WORKERS'],
      ['llama3.2:latest', 'ollama', '1'],
      ['qwen3:0.6b', 'ollama', '1'],
    ]);
  });

  // A worker whose models change registers anew and then stops its previous registration: in
  // between, both answer `$SRV.INFO`, under the same worker id.
  it('counts a worker that answers from two registrations once', async () => {
    const chat = await bed.cli(['chat', 'llama3.2:latest', 'Hi', '--json']);
    const start = replyFrameSchema.parse(JSON.parse(chat.stdout.split('\n')[0] ?? ''));
    if (start.type !== 'start') throw new Error(`the answer opened with ${start.type}`);
    const nc = await connect({ servers: bed.nats.url });
    try {
      const previous = await new Svcm(nc).add({
        name: 'ollama-worker',
        version: '0.0.0',
        metadata: workerServiceMetadata('ollama', start.worker, 'switchyard'),
      });
      previous.addEndpoint('chat_previous', {
        // Its metadata is what listings read; nothing sends requests to this subject.
        subject: 'test.previous-registration',
        metadata: workerEndpointMetadata({
          model: 'llama3.2:latest',
          capabilities: [],
          details: {},
        }),
        handler: () => undefined,
      });
      const run = await bed.cli(['models', '--json']);
      const { models } = JSON.parse(run.stdout) as { models: ServedModel[] };
      expect(models).toContainEqual({ model: 'llama3.2:latest', kinds: ['ollama'], workers: 1 });
      await previous.stop();
    } finally {
      await closeConnection(nc);
    }
  }, 30_000);
});
