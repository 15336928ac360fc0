import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { replyFrameSchema } from '@switchyard/contracts';
import { freePorts, SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import type { BackendRow } from '../src/fleet/backend-rows.js';
import type { FleetWorker } from '../src/fleet/fleet-workers.js';
import { FleetBed, managedSim } from './support/fleet-bed.js';

interface StatusJson {
  backends: BackendRow[];
  workers: FleetWorker[];
}

// `switchyard status` joins the orchestrator's view (mode, state, pid) with discovery's (health,
// models) and lists the workers, for an external Ollama sim and a managed one left stopped.
describe('switchyard status', () => {
  let bed: FleetBed;
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ kind: 'ollama', port: 0 });
    const [managedPort] = (await freePorts(1)) as [number];
    bed = await FleetBed.start(
      {
        backends: [
          { id: 'box', kind: 'ollama', url: sim.url, mode: 'external' },
          managedSim('sim-managed', managedPort),
        ],
      },
      ['discovery', 'orchestrator', 'ollama-worker'],
    );
  }, 90_000);

  afterAll(async () => {
    await bed?.close();
    await sim?.close();
  });

  const statusJson = async (): Promise<StatusJson> => {
    const run = await bed.cli(['status', '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(run.stdout) as StatusJson;
  };

  it('prints every backend with its mode, state, health and model count as JSON', async () => {
    let status: StatusJson | undefined;
    // Discovery's first probe and the worker's first refresh take a moment.
    await waitFor(
      async () => {
        status = await statusJson();
        const box = status.backends.find((row) => row.backend === 'box');
        return box?.health === 'healthy' && status.workers.some((w) => w.models.length > 0);
      },
      {
        timeoutMs: 20_000 + SCHEDULING_SLACK_MS,
        description: 'box to be healthy and a worker to serve its models',
      },
    );
    const rows = (status as StatusJson).backends;
    expect(rows.map((row) => row.backend)).toEqual(['box', 'sim-managed']);
    expect(rows[0]).toMatchObject({ kind: 'ollama', mode: 'external', url: sim.url, models: 2 });
    expect(rows[1]).toMatchObject({ mode: 'managed', state: 'stopped', pid: null, restarts: 0 });
    expect(rows[1]?.since).toEqual(expect.any(String));
    expect(rows[1]?.health).not.toBe('healthy');
    expect((status as StatusJson).workers).toEqual([
      expect.objectContaining({
        name: 'ollama-worker',
        kind: 'ollama',
        // Ollama answers to `llama3.2` for `llama3.2:latest`: the worker serves both names, and
        // lists the model once.
        models: ['all-minilm:latest', 'llama3.2:latest'],
      }),
    ]);
  }, 60_000);

  it("names each worker by the id its answers carry, not by its registration's", async () => {
    const chat = await bed.cli(['chat', 'llama3.2:latest', 'Say hello.', '--json']);
    expect(chat.code).toBe(0);
    const start = replyFrameSchema.parse(JSON.parse(chat.stdout.split('\n')[0] ?? ''));
    if (start.type !== 'start') throw new Error(`the answer opened with ${start.type}`);
    expect(start.worker).toMatch(/^ollama-worker-/);
    const { workers } = await statusJson();
    expect(workers.map((worker) => worker.id)).toEqual([start.worker]);
  }, 30_000);

  it('prints a table of backends and one of workers', async () => {
    const run = await bed.cli(['status']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^BACKEND\s+KIND\s+MODE\s+STATE\s+PID\s+RESTARTS\s+SINCE\s+HEALTH\s+MODELS\s+URL$/,
    );
    const row = (id: string): string[] =>
      lines.find((line) => line.startsWith(`${id} `))?.split(/\s+/) ?? [];
    expect(row('box')).toEqual([
      'box',
      'ollama',
      'external',
      expect.any(String),
      '-',
      '0',
      expect.stringMatching(/^\d+[smhd]$/),
      'healthy',
      '2',
      sim.url,
    ]);
    expect(row('sim-managed').slice(0, 6)).toEqual([
      'sim-managed',
      'ollama',
      'managed',
      'stopped',
      '-',
      '0',
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^WORKER\s+ID\s+KIND\s+MODELS$/));
    expect(row('ollama-worker')).toEqual(['ollama-worker', expect.any(String), 'ollama', '2']);
  });
});
