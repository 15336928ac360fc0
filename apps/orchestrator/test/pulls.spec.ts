import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { REQUEST_ID_HEADER, SwitchyardError } from '@switchyard/contracts';
import type { ServiceProcess } from '@switchyard/testing';
import { OrchestratorBed } from './support/orchestrator-bed.js';

describe('model pulls through the orchestrator', () => {
  let bed: OrchestratorBed;
  let sim: RunningSimulator;
  let worker: ServiceProcess;

  beforeAll(async () => {
    sim = await startSimulator({ kind: 'ollama', port: 0, pullMs: 400 });
    bed = await OrchestratorBed.start({
      workers: { ollama: { refresh_interval_ms: 300 } },
      backends: [{ id: 'box', kind: 'ollama', url: sim.url, mode: 'external' }],
    });
    worker = await bed.startOllamaWorker();
  }, 60_000);

  afterAll(async () => {
    await bed.close();
    await sim.close();
  });

  it("streams the backend's progress to the caller and ends when the model is there", async () => {
    const request = { id: 'pull-qwen', model: 'qwen3:0.6b', timeout_ms: 30_000 };
    const statuses: string[] = [];
    let completed = 0;
    for await (const frame of bed.client.stream(bed.subjects.orchestrator('pull'), request)) {
      if (frame.type === 'start') expect(frame).toMatchObject({ kind: 'ollama', backend: 'box' });
      if (frame.type === 'delta' && frame.progress) {
        statuses.push(frame.progress.status);
        completed = Math.max(completed, frame.progress.completed ?? 0);
      }
    }
    expect(statuses[0]).toBe('pulling manifest');
    expect(statuses.at(-1)).toBe('success');
    expect(completed).toBeGreaterThan(0);
    const tags = (await (await fetch(`${sim.url}/api/tags`)).json()) as {
      models: { name: string }[];
    };
    expect(tags.models.map((m) => m.name)).toContain('qwen3:0.6b');
  });

  // A pull goes gateway → orchestrator → worker: the worker's lines about it must carry the id
  // the caller sent (the gateway's x-request-id), or one request cannot be followed in the logs.
  it("has the worker log the pull under the caller's request id", async () => {
    const request = { id: 'pull-traced', model: 'smollm2:135m', timeout_ms: 30_000 };
    const headers = { [REQUEST_ID_HEADER]: 'req_traced_pull' };
    for await (const _frame of bed.client.stream(bed.subjects.orchestrator('pull'), request, {
      headers,
    })) {
      // read to the end
    }
    const pulls = worker.logs().filter((line) => line['command'] === 'pull');
    expect(pulls.length).toBeGreaterThan(0);
    for (const line of pulls.filter((l) => l['model'] === request.model)) {
      expect(line).toMatchObject({ request_id: 'req_traced_pull' });
    }
    expect(pulls.some((line) => line['model'] === request.model)).toBe(true);
  });

  it('says vLLM cannot pull, not that no vLLM backend is configured', async () => {
    const request = { id: 'pull-vllm', model: 'qwen3:0.6b', kind: 'vllm', timeout_ms: 10_000 };
    const error = await bed.collect('pull', request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({
      code: 'unsupported',
      message:
        'vLLM cannot pull models: it loads the model it was started with (pull "qwen3:0.6b" into an Ollama or LM Studio backend)',
    });
  });
});

describe('model pulls when airgapped', () => {
  let bed: OrchestratorBed;

  beforeAll(async () => {
    bed = await OrchestratorBed.start({
      orchestrator: { pull_mode: 'airgapped' },
      backends: [{ id: 'box', kind: 'ollama', url: 'http://127.0.0.1:9', mode: 'external' }],
    });
  }, 60_000);

  afterAll(async () => {
    await bed.close();
  });

  it('are refused with an error that says why and how to pre-stage models', async () => {
    const request = { id: 'pull-refused', model: 'qwen3:0.6b', timeout_ms: 10_000 };
    const error = await bed.client
      .collect(bed.subjects.orchestrator('pull'), request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'pull_refused', retryable: false });
    expect((error as Error).message).toMatch(/airgapped/);
    expect((error as Error).message).toMatch(/Pre-stage models/);
  });
});
