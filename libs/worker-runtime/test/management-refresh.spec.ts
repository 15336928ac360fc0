import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManagementBed, rejectionOf } from './management-harness.js';

// A command that changes what the backend holds re-reads the served models before its end frame,
// so a caller that saw `end` can use a pulled model at once, and a deleted one is gone. The
// runtime's own refresh interval is ten minutes here: only the triggered refresh can explain it.
describe('management and the served model set', () => {
  let bed: ManagementBed;

  beforeAll(async () => {
    bed = await ManagementBed.start({
      management: {
        pull: async function* (endpoint, request, signal) {
          yield { type: 'progress', progress: { status: 'pulling manifest' } };
          await bed.adapter.install(endpoint, request.model, signal);
          yield { type: 'progress', progress: { status: 'success' } };
        },
        delete: async (endpoint, request, signal) => {
          const path = `/_sim/models/${encodeURIComponent(request.model)}`;
          await bed.adapter.http.json(endpoint, { method: 'DELETE', path, signal });
        },
      },
    });
  });
  afterAll(() => bed.close());

  it('serves a pulled model as soon as the pull has ended', async () => {
    expect((await rejectionOf(bed.chat('fresh-model'))).code).toBe('no_responders');
    const pull = await bed.command('pull', { model: 'fresh-model' });
    expect(pull.deltas.map((delta) => delta.progress?.status)).toEqual([
      'pulling manifest',
      'success',
    ]);
    expect(bed.runtime.models).toContain('fresh-model');
    expect((await bed.chat('fresh-model')).text).toBe('served fresh-model');
  });

  it('stops serving a deleted model as soon as the delete has ended', async () => {
    await bed.command('pull', { model: 'short-lived' });
    expect((await bed.chat('short-lived')).text).toBe('served short-lived');
    const deleted = await bed.command('delete', { model: 'short-lived' });
    expect(deleted.deltas).toEqual([]);
    expect(bed.runtime.models).not.toContain('short-lived');
    expect((await rejectionOf(bed.chat('short-lived'))).code).toBe('no_responders');
  });

  it('passes the backend error of a failed command on, and leaves the served set alone', async () => {
    const error = await rejectionOf(bed.command('delete', { model: 'never-installed' }));
    expect(error.code).toBe('not_found');
    expect(bed.runtime.models).toEqual(expect.arrayContaining(['base-model', 'fresh-model']));
  });
});
