import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManagementBed } from './management-harness.js';

// Progress goes out as deltas in the order the backend reported it, holding only what the frame
// schema allows: one odd byte count from a backend must not break the caller's whole stream.
describe('management progress frames', () => {
  let bed: ManagementBed;

  beforeAll(async () => {
    bed = await ManagementBed.start({
      management: {
        download: async function* () {
          yield { type: 'progress', progress: { status: 'pulling manifest' } };
          const layer = { status: 'pulling 6a0746a1ec1a', digest: 'sha256:6a0746a1ec1a' };
          yield { type: 'progress', progress: { ...layer, total: 100 } };
          yield { type: 'progress', progress: { ...layer, total: 100, completed: 50 } };
          yield { type: 'progress', progress: { status: 'odd', total: 1.5, completed: -3 } };
          yield { type: 'progress', progress: { status: 'success' } };
          yield { type: 'result', result: { downloaded: true } };
        },
      },
    });
  });
  afterAll(() => bed.close());

  it('streams each progress report as a numbered delta, then the result and the end', async () => {
    const frames = await bed.frames('download', { model: 'some/model@q4' });
    expect(frames.map((frame) => frame.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(frames.slice(1, -1)).toEqual([
      { type: 'delta', seq: 1, progress: { status: 'pulling manifest' } },
      {
        type: 'delta',
        seq: 2,
        progress: { status: 'pulling 6a0746a1ec1a', digest: 'sha256:6a0746a1ec1a', total: 100 },
      },
      {
        type: 'delta',
        seq: 3,
        progress: {
          status: 'pulling 6a0746a1ec1a',
          digest: 'sha256:6a0746a1ec1a',
          total: 100,
          completed: 50,
        },
      },
      { type: 'delta', seq: 4, progress: { status: 'odd' } },
      { type: 'delta', seq: 5, progress: { status: 'success' } },
      { type: 'delta', seq: 6, result: { downloaded: true } },
    ]);
    expect(frames.at(-1)?.type).toBe('end');
  });
});
