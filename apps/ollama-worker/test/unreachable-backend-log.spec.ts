import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import {
  chatRequest,
  PROCESS_HOOK_TIMEOUT_MS,
  SCHEDULING_SLACK_MS,
  type ServiceProcess,
  waitFor,
} from '@switchyard/testing';
import { MODELS, startOllamaTestbed, type OllamaTestbed } from './support/ollama-testbed.js';

// A managed backend stopped until a request comes answers nothing for hours, and its worker
// lists it every refresh: the log tells of it as the run of failures doubles, not every time.
describe('a backend nothing answers at, in the worker log', () => {
  let bed: OllamaTestbed;
  let worker: ServiceProcess;
  let revived: RunningSimulator | undefined;

  beforeAll(async () => {
    bed = await startOllamaTestbed({ backends: [{ models: [MODELS.chat] }], worker: false });
    await bed.backend.close();
    worker = await bed.startWorkerProcess();
  }, PROCESS_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await bed?.close();
    await revived?.close();
  });

  const logged = (msg: string): Record<string, unknown>[] =>
    worker.logs().filter((line) => line['msg'] === msg);

  it('warns at the first failed listing and each time the run doubles, then says it is back', async () => {
    const failures = (): unknown[] =>
      logged('cannot list the models of a backend').map((line) => line['failed_listings']);
    // Sixteen listings take some 3 s at the testbed's 200 ms refresh.
    await waitFor(() => failures().includes(16), {
      timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      description: 'sixteen failed listings',
    });
    expect(failures()).toEqual([1, 2, 4, 8, 16]);

    revived = await startSimulator({
      kind: 'ollama',
      port: Number(new URL(bed.backend.url).port),
      models: [MODELS.chat],
      loadMs: 0,
    });
    await worker.waitForLog('a backend lists its models again');
    const [back] = logged('a backend lists its models again');
    expect(back).toMatchObject({ backend: bed.endpointId(bed.backend) });
    expect(back?.['failed_listings']).toBeGreaterThanOrEqual(16);

    // Each line names the worker as its answers do, so an answer leads to the worker's log.
    let answeredBy = '';
    await waitFor(
      async () => {
        try {
          for await (const frame of bed.client.stream(
            bed.subjects.chat(MODELS.chat),
            chatRequest(MODELS.chat, 'Hi'),
            { timeoutMs: 5_000 + SCHEDULING_SLACK_MS },
          )) {
            if (frame.type === 'start') answeredBy = frame.worker;
          }
          return true;
        } catch {
          return false; // not subscribed again yet
        }
      },
      { description: 'an answer from the worker' },
    );
    expect(answeredBy).toMatch(/^ollama-worker-/);
    expect(back?.['worker_id']).toBe(answeredBy);
    expect(
      new Set(logged('cannot list the models of a backend').map((line) => line['worker_id'])),
    ).toEqual(new Set([answeredBy]));
  }, 30_000);
});
