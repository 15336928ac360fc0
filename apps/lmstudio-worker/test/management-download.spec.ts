import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import type { DeltaFrame, ModelListResult } from '@switchyard/contracts';
import { rejectionOf, startManagementBed, type ManagementBed } from './management-harness.js';

const DOWNLOADED = 'gemma-3-1b-it';

// An LM Studio download over NATS: the job's status as progress deltas until it completes, then
// the model is listed and served at once.
describe('downloading a model onto an LM Studio backend over NATS', () => {
  let bed: ManagementBed;

  beforeAll(async () => {
    bed = await startManagementBed();
  });
  afterAll(() => bed.close());

  it("reports the job's progress until it completes", async () => {
    const frames = await bed.frames('download', { model: DOWNLOADED });
    expect(frames[0]).toMatchObject({ type: 'start', kind: 'lmstudio' });
    expect(frames.at(-1)?.type).toBe('end');
    const progress = frames
      .filter((frame): frame is DeltaFrame => frame.type === 'delta')
      .map((delta) => delta.progress);
    expect(progress[0]).toEqual({ status: 'downloading', total: 4_683_073_952 });
    expect(progress.at(-1)).toEqual({
      status: 'completed',
      total: 4_683_073_952,
      completed: 4_683_073_952,
    });
    // LM Studio is polled once a second: the caller hears heartbeats in between.
    expect(frames.some((frame) => frame.type === 'heartbeat')).toBe(true);
  });

  it('lists and serves the downloaded model as soon as the download has ended', async () => {
    const listed = (await bed.command('models')).deltas[0]?.result as ModelListResult;
    expect(listed.models.map((model) => model.name)).toContain(DOWNLOADED);
    const messages = [{ role: 'user' as const, content: 'Hi' }];
    expect((await bed.chat(DOWNLOADED)).text).toBe(
      expectedCompletion({ model: DOWNLOADED, messages, maxTokens: 4 }).text,
    );
  });

  it('says so at once when the model is already on disk', async () => {
    const answer = await bed.command('download', { model: 'qwen2.5-7b-instruct' });
    expect(answer.deltas.map((delta) => delta.progress)).toEqual([
      { status: 'already_downloaded' },
    ]);
  });

  it('fails a model the catalog does not have with model_not_found', async () => {
    const error = await rejectionOf(bed.command('download', { model: 'no/such-model' }));
    expect(error.code).toBe('model_not_found');
  });
});
