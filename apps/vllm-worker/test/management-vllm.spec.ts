import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { MANAGEMENT_COMMANDS, type ModelListResult } from '@switchyard/contracts';
import { VllmAdapter } from '../src/index.js';
import { rejectionOf, startManagementBed, type ManagementBed } from './management-harness.js';

// vLLM over NATS: its served models, and LoRA adapters where the server allows runtime updates.
// The simulator, like a vLLM started without VLLM_ALLOW_RUNTIME_LORA_UPDATING, has no LoRA
// routes, so the LoRA commands are checked on their `unsupported` path.
describe('managing a vLLM backend over NATS', () => {
  let bed: ManagementBed;

  beforeAll(async () => {
    bed = await startManagementBed({ models: ['Qwen/Qwen2.5-0.5B-Instruct', 'qwen-small'] });
  });
  afterAll(() => bed.close());

  it('lists the served model under each of its names', async () => {
    const listed = (await bed.command('models')).deltas[0]?.result as ModelListResult;
    expect(listed.models.map((model) => [model.name, model.loaded])).toEqual([
      ['Qwen/Qwen2.5-0.5B-Instruct', true],
      ['qwen-small', true],
    ]);
  });

  it('answers LoRA commands with unsupported when the server has no runtime LoRA updates', async () => {
    const load = await rejectionOf(
      bed.command('lora-load', { lora_name: 'sql-lora', lora_path: '/adapters/sql-lora' }),
    );
    expect(load.code).toBe('unsupported');
    expect(load.message).toMatch(/VLLM_ALLOW_RUNTIME_LORA_UPDATING=True/);
    expect(load.cause).toMatchObject({ code: 'not_found' });
    const unload = await rejectionOf(bed.command('lora-unload', { lora_name: 'sql-lora' }));
    expect(unload.code).toBe('unsupported');
  });

  it('refuses an adapter path that climbs out of its directory before vLLM hears of it', async () => {
    const httpBefore = bed.sim.stats().http;
    for (const lora_path of ['../../etc/passwd', '/adapters/../secret', 'a;rm -rf /']) {
      const error = await rejectionOf(bed.command('lora-load', { lora_name: 'x', lora_path }));
      expect({ lora_path, code: error.code }).toEqual({ lora_path, code: 'bad_request' });
    }
    expect(bed.sim.stats().http).toBe(httpBefore);
  });

  it('answers the commands of other kinds with unsupported', async () => {
    for (const command of ['pull', 'delete', 'load', 'unload', 'download'] as const) {
      const error = await rejectionOf(bed.command(command, { model: 'm' }));
      expect({ command, code: error.code }).toEqual({ command, code: 'unsupported' });
    }
  });

  it('supports exactly what docs/protocol.md says vLLM supports', async () => {
    const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
    const table = doc.split('<!-- management-commands:start -->')[1]?.split('<!-- management')[0];
    const documented = (table ?? '')
      .split('\n')
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .filter((cells) => cells[4] === 'yes')
      .map((cells) => cells[1]?.replace(/`/g, ''));
    const adapter = new VllmAdapter();
    const supported = MANAGEMENT_COMMANDS.filter(
      (command) => command === 'models' || adapter.management[command] !== undefined,
    );
    expect(documented).toEqual(supported);
    await adapter.close();
  });
});
