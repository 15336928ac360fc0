import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import type { DeltaFrame, ModelListResult } from '@switchyard/contracts';
import { sleep } from '@switchyard/testing';
import {
  BACKEND_ID,
  nextId,
  rejectionOf,
  startManagementBed,
  type ManagementBed,
} from './management-harness.js';

const PULL_MS = 400;
const PULLED = 'smollm2:135m';

// An Ollama pull over NATS, through the built worker: Ollama's progress lines as progress
// deltas, in order, then the end; the model is listed and served the moment the end arrives; a
// cancelled pull stops the download.
describe('pulling a model onto an Ollama backend over NATS', () => {
  let bed: ManagementBed;

  beforeAll(async () => {
    bed = await startManagementBed({ pullMs: PULL_MS }, { process: true });
  });
  afterAll(() => bed.close());

  it('streams the progress in order and ends once Ollama reports success', async () => {
    const frames = await bed.frames('pull', { model: PULLED });
    expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_frame, index) => index));
    expect(frames[0]).toMatchObject({ type: 'start', kind: 'ollama', backend: BACKEND_ID });
    expect(frames.at(-1)).toEqual({
      type: 'end',
      seq: frames.length - 1,
      finish_reason: 'stop',
      usage: { prompt_tokens: 0, completion_tokens: 0 },
    });
    const progress = frames
      .filter((frame): frame is DeltaFrame => frame.type === 'delta')
      .map((delta) => delta.progress);
    const statuses = progress.map((report) => report?.status);
    expect(statuses[0]).toBe('pulling manifest');
    expect(statuses.slice(-3)).toEqual(['verifying sha256 digest', 'writing manifest', 'success']);
    const layers = [...new Set(progress.flatMap((report) => report?.digest ?? []))];
    expect(layers).toHaveLength(3);
    for (const digest of layers) {
      const reports = progress.filter((report) => report?.digest === digest);
      expect(reports[0]?.status).toBe(`pulling ${digest.slice(7, 19)}`);
      expect(reports[0]?.completed).toBeUndefined();
      const completed = reports.slice(1).map((report) => report?.completed ?? -1);
      expect(completed).toEqual([...completed].sort((a, b) => a - b));
      expect(completed.at(-1)).toBe(reports[0]?.total);
    }
  });

  it('lists and serves the pulled model as soon as the pull has ended', async () => {
    const listed = (await bed.command('models')).deltas[0]?.result as ModelListResult;
    expect(listed.models.map((model) => model.name)).toContain(PULLED);
    const answer = await bed.chat(PULLED);
    const messages = [{ role: 'user' as const, content: 'Hi' }];
    expect(answer.text).toBe(expectedCompletion({ model: PULLED, messages, maxTokens: 4 }).text);
  });

  it('fails a pull of a model the registry does not have with model_not_found', async () => {
    const error = await rejectionOf(bed.command('pull', { model: 'no-such-model:7b' }));
    expect(error.code).toBe('model_not_found');
    expect(error.message).toBe('pull model manifest: file does not exist');
    expect(bed.sim.models().map((model) => model.name)).not.toContain('no-such-model:7b');
  });

  it('stops the download when the caller cancels the pull', async () => {
    const subject = bed.subjects.management(BACKEND_ID, 'pull');
    const request = { id: nextId(), timeout_ms: 10_000, model: 'qwen3:0.6b' };
    for await (const frame of bed.client.stream(subject, request)) {
      if (frame.type === 'delta' && frame.progress?.digest !== undefined) break;
    }
    // Long enough for the whole pull to have finished, had it gone on.
    await sleep(PULL_MS + 300);
    expect(bed.sim.models().map((model) => model.name)).not.toContain('qwen3:0.6b');
  });

  it('leaves a line in the log for each command, for the audit trail', async () => {
    const line = await bed.worker?.waitForLog('management command done');
    expect(line).toMatchObject({
      service: 'ollama-worker',
      backend: BACKEND_ID,
      command: 'pull',
      model: PULLED,
      request_id: expect.any(String),
    });
    const failure = await bed.worker?.waitForLog('management command failed');
    expect(failure).toMatchObject({ command: 'pull', model: 'no-such-model:7b' });
  });
});
