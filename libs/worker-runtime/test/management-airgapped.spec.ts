import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManagementBed, rejectionOf } from './management-harness.js';

// `orchestrator.pull_mode: airgapped` means no model comes in from outside, through any door.
describe('management in an air-gapped fleet', () => {
  let bed: ManagementBed;
  const calls: string[] = [];

  beforeAll(async () => {
    bed = await ManagementBed.start({
      allowPulls: false,
      management: {
        pull: async function* () {
          calls.push('pull');
          yield { type: 'progress', progress: { status: 'success' } };
        },
        download: async function* () {
          calls.push('download');
          yield { type: 'progress', progress: { status: 'completed' } };
        },
        show: async () => {
          calls.push('show');
          return {};
        },
      },
    });
  });
  afterAll(() => bed.close());

  it('refuses pull and download with pull_refused and lets other commands through', async () => {
    for (const command of ['pull', 'download'] as const) {
      const error = await rejectionOf(bed.command(command, { model: 'qwen3:0.6b' }));
      expect(error.code).toBe('pull_refused');
      expect(error.message).toBe(`${command} is refused: orchestrator.pull_mode is airgapped`);
    }
    await bed.command('show', { model: 'base-model' });
    expect(calls).toEqual(['show']);
  });
});
