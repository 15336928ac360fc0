import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rejectionOf, startManagementBed, type ManagementBed } from './management-harness.js';

// An operator's `orchestrator.pull_mode: airgapped` holds for the worker's pull as well.
describe('an Ollama worker in an air-gapped fleet', () => {
  let bed: ManagementBed;

  beforeAll(async () => {
    bed = await startManagementBed({}, { config: { orchestrator: { pull_mode: 'airgapped' } } });
  });
  afterAll(() => bed.close());

  it('refuses pulls with pull_refused and still answers other commands', async () => {
    const httpBefore = bed.sim.stats().http;
    const error = await rejectionOf(bed.command('pull', { model: 'qwen3:0.6b' }));
    expect(error.code).toBe('pull_refused');
    expect(bed.sim.stats().http).toBe(httpBefore);
    expect((await bed.command('show', { model: 'llama3.2:latest' })).deltas).toHaveLength(1);
  });
});
