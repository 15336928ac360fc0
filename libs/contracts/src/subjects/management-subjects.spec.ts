import { describe, expect, it } from '@jest/globals';
import { isManagementCommand, MANAGEMENT_COMMANDS, Subjects } from './subjects.js';

describe('management subjects', () => {
  const subjects = new Subjects();

  it('name the backend and the command under the prefix', () => {
    expect(subjects.management('ollama-local', 'pull')).toBe(
      'switchyard.v1.backend.ollama-local.pull',
    );
    expect(new Subjects('acme.llm').management('vllm_1', 'lora-load')).toBe(
      'acme.llm.v1.backend.vllm_1.lora-load',
    );
    expect(subjects.managementWildcard('ollama-local')).toBe(
      'switchyard.v1.backend.ollama-local.*',
    );
    expect(subjects.managementWildcard()).toBe('switchyard.v1.backend.*.*');
  });

  it('keep every command in one subject token, so the wildcard covers them all', () => {
    for (const command of MANAGEMENT_COMMANDS) {
      expect(subjects.management('b', command).split('.')).toHaveLength(5);
      expect(isManagementCommand(command)).toBe(true);
    }
    expect(isManagementCommand('lora.load')).toBe(false);
  });

  it('refuse a backend id that would break the subject', () => {
    expect(() => subjects.management('a.b', 'models')).toThrow(/backend id/);
    expect(() => subjects.managementWildcard('>')).toThrow(/backend id/);
  });
});
