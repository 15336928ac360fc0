import { describe, expect, it } from '@jest/globals';
import {
  resolveConfig,
  type BackendConfig,
  type SwitchyardConfigInput,
} from '@switchyard/contracts';
import { addedBackendsEnv, type AddedBackend } from '../src/stack/stack-backends.js';

const SIMS: AddedBackend[] = [
  { id: 'sim-ollama', kind: 'ollama', url: 'http://127.0.0.1:11434' },
  { id: 'sim-vllm', kind: 'vllm', url: 'http://127.0.0.1:8000' },
];

/** Everything a file can say about one backend, none of which `up` may lose. */
const GUARDED: BackendConfig = {
  id: 'guarded',
  kind: 'vllm',
  url: 'http://127.0.0.1:9000',
  mode: 'managed',
  command: { program: 'vllm', args: ['serve', 'qwen'], env: {} },
  api_key: 'file-key',
  models: ['qwen'],
  max_concurrency: 2,
  queue_size: 0,
  queue_timeout_ms: 5_000,
  idle_ttl_ms: 60_000,
};

/** The backends a service started by `up` reads: the file, the person's variables, then `up`'s. */
function childBackends(file: SwitchyardConfigInput, env: Record<string, string> = {}) {
  const configured = resolveConfig(file, env).backends.length;
  return resolveConfig(file, { ...env, ...addedBackendsEnv(configured, SIMS, env) }).backends;
}

describe('addedBackendsEnv', () => {
  it('adds nothing when `up` added no backend', () => {
    expect(addedBackendsEnv(1, [], {})).toEqual({});
  });

  it('is the whole list when nothing is configured', () => {
    expect(childBackends({}).map((backend) => backend.id)).toEqual(['sim-ollama', 'sim-vllm']);
  });

  it("keeps every field of the file's backends and adds the sims after them", () => {
    const backends = childBackends({ backends: [GUARDED] });
    expect(backends[0]).toEqual(resolveConfig({ backends: [GUARDED] }).backends[0]);
    expect(backends.map((backend) => backend.id)).toEqual(['guarded', 'sim-ollama', 'sim-vllm']);
  });

  it("keeps the person's own SWITCHYARD_BACKENDS__N overrides, in any order", () => {
    const env = { SWITCHYARD_BACKENDS__0__API_KEY: 'env-key' };
    const added = addedBackendsEnv(1, SIMS, env);
    for (const order of [
      { ...env, ...added },
      { ...added, ...env },
    ]) {
      const backends = resolveConfig({ backends: [GUARDED] }, order).backends;
      expect(backends.map((backend) => [backend.id, backend.api_key])).toEqual([
        ['guarded', 'env-key'],
        ['sim-ollama', undefined],
        ['sim-vllm', undefined],
      ]);
    }
  });

  it.each([
    ['an array', JSON.stringify([GUARDED])],
    ['elements by index', JSON.stringify({ 0: { api_key: 'env-key' } })],
  ])('adds to a SWITCHYARD_BACKENDS the person set as %s', (_, value) => {
    const backends = childBackends({ backends: [GUARDED] }, { SWITCHYARD_BACKENDS: value });
    expect(backends.map((backend) => backend.id)).toEqual(['guarded', 'sim-ollama', 'sim-vllm']);
    expect(backends[0]?.mode).toBe('managed');
  });
});
