import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { readFileSync } from 'node:fs';
import { MANAGEMENT_COMMANDS } from '@switchyard/contracts';
import { OllamaAdapter } from '../src/index.js';
import {
  nextId,
  rejectionOf,
  startManagementBed,
  type ManagementBed,
} from './management-harness.js';

// What never reaches the backend: names that could escape a path or a shell, commands Ollama
// cannot do, and backends this worker is not configured with.
describe('management commands an Ollama worker refuses', () => {
  let bed: ManagementBed;

  beforeAll(async () => {
    bed = await startManagementBed();
  });
  afterAll(() => bed.close());

  it('refuses invalid model names with bad_request and sends the backend nothing', async () => {
    const httpBefore = bed.sim.stats().http;
    for (const model of ['../x', 'a;rm -rf', '']) {
      for (const [command, body] of [
        ['pull', { model }],
        ['delete', { model }],
        ['show', { model }],
        ['load', { model }],
        ['copy', { source: 'llama3.2:latest', destination: model }],
      ] as const) {
        const error = await rejectionOf(bed.command(command, body));
        expect({ command, model, code: error.code }).toEqual({
          command,
          model,
          code: 'bad_request',
        });
      }
    }
    expect(bed.sim.stats().http).toBe(httpBefore);
    expect(bed.sim.models().map((model) => model.name)).toEqual([
      'llama3.2:latest',
      'all-minilm:latest',
    ]);
  });

  it('answers commands of other kinds with unsupported', async () => {
    for (const command of ['download', 'lora-load', 'lora-unload'] as const) {
      const error = await rejectionOf(bed.command(command, { model: 'm', lora_name: 'l' }));
      expect({ command, code: error.code }).toEqual({ command, code: 'unsupported' });
    }
  });

  it('leaves a backend it is not configured with to NATS: no responders at once', async () => {
    const startedAt = Date.now();
    const subject = bed.subjects.management('ollama-elsewhere', 'models');
    const error = await rejectionOf(
      bed.client.collect(subject, { id: nextId(), timeout_ms: 5_000 }),
    );
    expect(error.code).toBe('no_responders');
    // Well before the request's own 5 s deadline.
    expect(Date.now() - startedAt).toBeLessThan(1_000 + SCHEDULING_SLACK_MS);
  });

  it('supports exactly what docs/protocol.md says Ollama supports', async () => {
    const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
    const table = doc.split('<!-- management-commands:start -->')[1]?.split('<!-- management')[0];
    const documented = (table ?? '')
      .split('\n')
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .filter((cells) => cells[2] === 'yes')
      .map((cells) => cells[1]?.replace(/`/g, ''));
    const adapter = new OllamaAdapter();
    const supported = MANAGEMENT_COMMANDS.filter(
      (command) => command === 'models' || adapter.management[command] !== undefined,
    );
    expect(documented).toEqual(supported);
    await adapter.close();
  });
});
