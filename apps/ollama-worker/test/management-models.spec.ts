import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ModelListResult } from '@switchyard/contracts';
import { rejectionOf, startManagementBed, type ManagementBed } from './management-harness.js';

// Ollama's show, copy and delete over NATS, with the served model set following each change
// before the end frame.
describe('showing, copying and deleting Ollama models over NATS', () => {
  let bed: ManagementBed;

  beforeAll(async () => {
    bed = await startManagementBed();
  });
  afterAll(() => bed.close());

  const listed = async () =>
    ((await bed.command('models')).deltas[0]?.result as ModelListResult).models.map(
      (model) => model.name,
    );

  it("shows a model's details as Ollama's own answer", async () => {
    const answer = await bed.command('show', { model: 'llama3.2:latest' });
    expect(answer.deltas).toHaveLength(1);
    expect(answer.deltas[0]?.result).toMatchObject({
      details: { format: 'gguf', family: 'llama', quantization_level: 'Q4_K_M' },
      capabilities: ['completion', 'tools'],
      model_info: { 'llama.context_length': 4096 },
    });
  });

  it('copies a model, which is then served under its new name', async () => {
    const copy = await bed.command('copy', { source: 'llama3.2:latest', destination: 'mine:v1' });
    expect(copy.deltas).toEqual([]);
    expect(await listed()).toContain('mine:v1');
    expect((await bed.chat('mine:v1')).text.length).toBeGreaterThan(0);
  });

  it('deletes a model, which is then neither listed nor served', async () => {
    await bed.command('delete', { model: 'mine:v1' });
    expect(await listed()).not.toContain('mine:v1');
    expect((await rejectionOf(bed.chat('mine:v1'))).code).toBe('no_responders');
    expect(bed.sim.models().map((model) => model.name)).not.toContain('mine:v1');
  });

  it("translates Ollama's errors: an unknown model is model_not_found", async () => {
    expect((await rejectionOf(bed.command('delete', { model: 'ghost:1b' }))).code).toBe(
      'model_not_found',
    );
    expect((await rejectionOf(bed.command('show', { model: 'ghost:1b' }))).code).toBe(
      'model_not_found',
    );
    expect(
      (await rejectionOf(bed.command('copy', { source: 'ghost:1b', destination: 'b:1' }))).code,
    ).toBe('model_not_found');
  });
});
