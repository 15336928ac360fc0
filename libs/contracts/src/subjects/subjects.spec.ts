import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BACKEND_KINDS } from '../messages/backend-kind.js';
import { workerServiceKind, workerServiceName } from '../fleet/worker-service.js';
import { Subjects } from './subjects.js';

describe('Subjects', () => {
  const subjects = new Subjects();

  it('builds request subjects under the default prefix and protocol version', () => {
    expect(subjects.chat('llama3.2:latest')).toBe('switchyard.v1.chat.llama3_2E2_3Alatest');
    expect(subjects.complete('m')).toBe('switchyard.v1.complete.m');
    expect(subjects.embed('m', 'vllm')).toBe('switchyard.v1.embed.m.vllm');
    expect(subjects.inferenceWildcard('chat')).toBe('switchyard.v1.chat.>');
  });

  it('uses a configured prefix everywhere', () => {
    const custom = new Subjects('acme.llm');
    expect(custom.chat('m')).toBe('acme.llm.v1.chat.m');
    expect(custom.cancel('req-1')).toBe('acme.llm.v1.cancel.req-1');
    expect(custom.resend('req-1')).toBe('acme.llm.v1.resend.req-1');
    expect(custom.resendWildcard).toBe('acme.llm.v1.resend.*');
    expect(custom.health('ollama-1')).toBe('acme.llm.v1.health.ollama-1');
    expect(custom.orchestrator('ensure')).toBe('acme.llm.v1.orchestrator.ensure');
    expect(custom.orchestratorWildcard).toBe('acme.llm.v1.orchestrator.*');
    expect(custom.registryBucket).toBe('acme_llm_registry');
    expect(custom.leaseBucket).toBe('acme_llm_registry_lease');
    // Names, not subjects: NATS refuses a queue group with a dot.
    expect([custom.workerQueue, custom.orchestratorQueue, custom.discoveryQueue]).toEqual([
      'acme_llm-workers',
      'acme_llm-orchestrator',
      'acme_llm-discovery',
    ]);
  });

  it('keeps every model name inside exactly one subject token', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }), (model) => {
        const tokens = subjects.chat(model).split('.');
        expect(tokens).toHaveLength(4);
        expect(tokens[3]).not.toMatch(/^[*>]$/);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses ids and prefixes that would break a subject', () => {
    expect(() => new Subjects('a..b')).toThrow(/prefix/);
    expect(() => new Subjects('a.*')).toThrow(/prefix/);
    expect(() => subjects.cancel('a.b')).toThrow(/request id/);
    expect(() => subjects.health('*')).toThrow(/backend id/);
  });
});

describe('worker service names', () => {
  it('name one micro service per kind, and only those read back as workers', () => {
    for (const kind of BACKEND_KINDS) expect(workerServiceKind(workerServiceName(kind))).toBe(kind);
    for (const other of ['gateway', 'ollama', 'ollama-worker-2', 'OLLAMA-worker', '']) {
      expect(workerServiceKind(other)).toBeUndefined();
    }
  });
});
