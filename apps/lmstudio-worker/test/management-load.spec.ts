import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { MANAGEMENT_COMMANDS, type ModelListResult } from '@switchyard/contracts';
import { LmStudioAdapter } from '../src/index.js';
import { rejectionOf, startManagementBed, type ManagementBed } from './management-harness.js';

const MODEL = 'qwen2.5-7b-instruct';

// LM Studio's list, load and unload over NATS, and what an LM Studio worker refuses.
describe('listing, loading and unloading LM Studio models over NATS', () => {
  let bed: ManagementBed;

  beforeAll(async () => {
    bed = await startManagementBed({ loadMs: 100 });
  });
  afterAll(() => bed.close());

  const models = async () =>
    ((await bed.command('models')).deltas[0]?.result as ModelListResult).models;
  const loaded = async () => (await models()).find((model) => model.name === MODEL)?.loaded;

  it('lists the downloaded models with their type and load state', async () => {
    expect(await models()).toEqual([
      expect.objectContaining({ name: MODEL, type: 'chat', loaded: false }),
      expect.objectContaining({ name: 'text-embedding-nomic-embed-text-v1.5', type: 'embedding' }),
    ]);
  });

  it("loads a model and answers with LM Studio's load result", async () => {
    const answer = await bed.command('load', { model: MODEL, context_length: 8192 });
    expect(answer.deltas.map((delta) => delta.result)).toEqual([
      { type: 'llm', instance_id: MODEL, load_time_seconds: expect.any(Number), status: 'loaded' },
    ]);
    expect(await loaded()).toBe(true);
  });

  it('unloads the instance again', async () => {
    const answer = await bed.command('unload', { model: MODEL });
    expect(answer.deltas.map((delta) => delta.result)).toEqual([{ instance_id: MODEL }]);
    expect(await loaded()).toBe(false);
    expect((await rejectionOf(bed.command('unload', { model: MODEL }))).code).toBe(
      'model_not_found',
    );
  });

  it('refuses invalid names before LM Studio hears of them, and commands of other kinds', async () => {
    const httpBefore = bed.sim.stats().http;
    for (const model of ['../x', 'a;rm -rf', '']) {
      expect((await rejectionOf(bed.command('download', { model }))).code).toBe('bad_request');
      expect((await rejectionOf(bed.command('load', { model }))).code).toBe('bad_request');
    }
    expect(bed.sim.stats().http).toBe(httpBefore);
    for (const command of ['pull', 'delete', 'copy', 'show', 'ps', 'lora-load'] as const) {
      const error = await rejectionOf(bed.command(command, { model: MODEL }));
      expect({ command, code: error.code }).toEqual({ command, code: 'unsupported' });
    }
  });

  it('supports exactly what docs/protocol.md says LM Studio supports', async () => {
    const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
    const table = doc.split('<!-- management-commands:start -->')[1]?.split('<!-- management')[0];
    const documented = (table ?? '')
      .split('\n')
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .filter((cells) => cells[3] === 'yes')
      .map((cells) => cells[1]?.replace(/`/g, ''));
    const adapter = new LmStudioAdapter();
    const supported = MANAGEMENT_COMMANDS.filter(
      (command) => command === 'models' || adapter.management[command] !== undefined,
    );
    expect(documented).toEqual(supported);
    await adapter.close();
  });
});
