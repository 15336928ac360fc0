import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  chatRequest,
  collect,
  PROCESS_HOOK_TIMEOUT_MS,
  rejectionOf,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testing';
import { MODELS, startOllamaTestbed, type OllamaTestbed } from './support/ollama-testbed.js';

const INFO = 30;
const WARN = 40;

// The caller of a failed request sees a code; the operator reads why in the worker's log, at the
// default level, under the caller's request id.
describe('a failed request in the worker log', () => {
  let bed: OllamaTestbed;
  let worker: ServiceProcess;

  beforeAll(async () => {
    bed = await startOllamaTestbed({ backends: [{ models: [MODELS.chat] }], worker: false });
    worker = await bed.startWorkerProcess();
  }, PROCESS_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await bed?.close();
  });

  const failedLines = (requestId: string): Record<string, unknown>[] =>
    worker
      .logs()
      .filter((line) => line['msg'] === 'request failed' && line['request_id'] === requestId);

  it("is a warning naming the backend's error when the backend fails", async () => {
    bed.backend.setFaults({ errorRate: 1 });
    const request = Object.assign(chatRequest(MODELS.chat, 'Hi'), { id: 'log-backend-fails' });
    const error = await rejectionOf(
      collect(bed.client.stream(bed.subjects.chat(MODELS.chat), request, { timeoutMs: 10_000 })),
    );
    bed.backend.setFaults({ errorRate: 0 });
    expect(error).toMatchObject({ code: 'backend_error' });
    await worker.waitForLog('request failed');
    const [line] = failedLines('log-backend-fails');
    // The worker may serve the model from several backends: the line names the one that failed.
    expect(line).toMatchObject({
      level: WARN,
      model: MODELS.chat,
      backend: bed.endpointId(bed.backend),
    });
    expect(JSON.stringify(line?.['err'])).toContain((error as Error).message);
  });

  it("stays below the default level when the caller's request is at fault", async () => {
    // Ollama reads an empty prompt as "load the model": the worker refuses it as unsupported.
    const request = { id: 'log-caller-fault', model: MODELS.chat, prompt: '' };
    const error = await rejectionOf(
      collect(
        bed.client.stream(bed.subjects.complete(MODELS.chat), request, { timeoutMs: 10_000 }),
      ),
    );
    expect(error).toMatchObject({ code: 'unsupported' });
    expect(failedLines('log-caller-fault')).toEqual([]);
  });

  // Last, as it stops the backend. Management commands are logged at info: one the caller got
  // wrong is no warning, one the backend failed is.
  it('logs a pull of a model no registry has at info, a failed backend at warn', async () => {
    const subject = bed.subjects.management(bed.endpointId(bed.backend), 'pull');
    const linesOf = (requestId: string) =>
      worker
        .logs()
        .filter(
          (line) => line['msg'] === 'management command failed' && line['request_id'] === requestId,
        );
    const unknown = { id: 'log-pull-unknown', model: 'nowhere:1b', timeout_ms: 10_000 };
    const error = await rejectionOf(collect(bed.client.stream(subject, unknown)));
    expect(error).toMatchObject({ code: 'model_not_found' });
    await worker.waitForLog('management command failed');
    expect(linesOf(unknown.id)).toEqual([expect.objectContaining({ level: INFO })]);

    await bed.backend.close();
    const down = { id: 'log-pull-down', model: 'qwen3:0.6b', timeout_ms: 10_000 };
    const failure = await rejectionOf(collect(bed.client.stream(subject, down)));
    expect(failure).toMatchObject({ code: 'backend_unavailable' });
    await waitFor(() => linesOf(down.id).length > 0, { description: 'the failed pull logged' });
    expect(linesOf(down.id)).toEqual([expect.objectContaining({ level: WARN })]);
  });
});
