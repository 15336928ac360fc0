import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MANAGEMENT_COMMANDS } from '../subjects/subjects.js';
import {
  loadModelCommandSchema,
  loraLoadCommandSchema,
  managedModelNameSchema,
  MANAGEMENT_REQUEST_SCHEMAS,
  pullModelCommandSchema,
} from './management-requests.js';

const accepts = (name: string) => managedModelNameSchema.safeParse(name).success;

describe('management requests', () => {
  it('accept the model names real backends use', () => {
    for (const name of [
      'llama3.2:latest',
      'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M',
      'registry.ollama.ai/library/qwen3:0.6b',
      'qwen/qwen3-4b@q4_k_m',
      'text-embedding-nomic-embed-text-v1.5',
      'https://huggingface.co/lmstudio-community/gemma-3-1b-it-GGUF',
      'Qwen/Qwen2.5-0.5B-Instruct',
    ]) {
      expect({ name, accepted: accepts(name) }).toEqual({ name, accepted: true });
    }
  });

  it('refuse traversal, shell metacharacters, options, absolute paths and the empty name', () => {
    for (const name of [
      '',
      '../x',
      'a/../../etc/passwd',
      'a..b',
      'a;rm -rf',
      'x && y',
      '$(reboot)',
      '`id`',
      'a|b',
      '-rf',
      '/etc/passwd',
      'name with space',
      'tab\there',
      'x'.repeat(257),
    ]) {
      expect({ name, accepted: accepts(name) }).toEqual({ name, accepted: false });
    }
  });

  it('say what is wrong with a name once, whichever rules it breaks', () => {
    const messages = (name: string) =>
      managedModelNameSchema.safeParse(name).error?.issues.map((issue) => issue.message);
    const rule = expect.stringMatching(/^invalid model name: use letters, digits/);
    expect(messages('../etc')).toEqual([rule]);
    expect(messages('a..b')).toEqual([rule]);
  });

  it('never accept a name outside the safe alphabet or with ".."', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (name) => {
        if (accepts(name)) {
          expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9.:/_@-]*$/);
          expect(name).not.toContain('..');
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('have a schema for every command, and every schema needs a valid request id', () => {
    expect(Object.keys(MANAGEMENT_REQUEST_SCHEMAS).sort()).toEqual([...MANAGEMENT_COMMANDS].sort());
    for (const schema of Object.values(MANAGEMENT_REQUEST_SCHEMAS)) {
      expect(schema.safeParse({ model: 'm', source: 'a', destination: 'b' }).success).toBe(false);
      expect(schema.safeParse({ id: 'a.b', model: 'm' }).success).toBe(false);
    }
  });

  it('validate the fields of each command', () => {
    expect(pullModelCommandSchema.parse({ id: 'r1', model: 'qwen3:0.6b', insecure: true })).toEqual(
      { id: 'r1', model: 'qwen3:0.6b', insecure: true },
    );
    expect(
      loadModelCommandSchema.safeParse({ id: 'r', model: 'm', keep_alive: '1h30m' }).success,
    ).toBe(true);
    expect(loadModelCommandSchema.safeParse({ id: 'r', model: 'm', keep_alive: -1 }).success).toBe(
      true,
    );
    expect(
      loadModelCommandSchema.safeParse({ id: 'r', model: 'm', keep_alive: '10 minutes' }).success,
    ).toBe(false);
    expect(
      loraLoadCommandSchema.safeParse({ id: 'r', lora_name: 'sql', lora_path: '/adapters/sql' })
        .success,
    ).toBe(true);
    expect(
      loraLoadCommandSchema.safeParse({ id: 'r', lora_name: 'sql', lora_path: '/a/../etc' })
        .success,
    ).toBe(false);
  });
});
