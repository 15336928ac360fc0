import { describe, expect, it } from '@jest/globals';
import {
  backendIdSchema,
  switchyardConfigSchema,
  type SwitchyardConfigInput,
} from '@switchyard/contracts';
import { watchTargets, wellKnownId } from './watch-targets.js';

const targets = (input: SwitchyardConfigInput) => watchTargets(switchyardConfigSchema.parse(input));

describe('watchTargets', () => {
  it('probes the three well-known ports on loopback by default', () => {
    expect(targets({}).map(({ id, url }) => ({ id, url }))).toEqual([
      { id: 'ollama-127-0-0-1-11434', url: 'http://127.0.0.1:11434' },
      { id: 'lmstudio-127-0-0-1-1234', url: 'http://127.0.0.1:1234' },
      { id: 'vllm-127-0-0-1-8000', url: 'http://127.0.0.1:8000' },
    ]);
  });

  it('puts configured backends first and does not probe their address twice', () => {
    const found = targets({
      backends: [
        {
          id: 'main',
          kind: 'ollama',
          url: 'http://127.0.0.1:11434',
          api_key: 'k',
          mode: 'managed',
        },
      ],
      discovery: { hosts: ['127.0.0.1', 'gpu-1.lan', '::1'] },
    });
    expect(found[0]).toEqual({
      id: 'main',
      kind: 'ollama',
      url: 'http://127.0.0.1:11434',
      apiKey: 'k',
      managed: true,
      origin: 'configured',
    });
    expect(found.filter((target) => target.url === 'http://127.0.0.1:11434')).toHaveLength(1);
    expect(found.map((target) => target.id)).toContain('vllm-gpu-1-lan-8000');
    expect(found.find((target) => target.id === 'ollama-1-11434')?.url).toBe('http://[::1]:11434');
  });

  it('takes localhost for loopback: a backend configured there is not probed again', () => {
    const configured = (url: string) =>
      targets({
        backends: [{ id: 'mine', kind: 'ollama', url }],
        discovery: { hosts: ['127.0.0.1', '::1'] },
      }).map((target) => target.id);
    // One server, one registry entry: its workers would otherwise serve it as two backends,
    // each with its own max_concurrency.
    for (const url of ['http://localhost:11434', 'http://LOCALHOST.:11434/']) {
      const ids = configured(url);
      expect(ids).not.toContain('ollama-127-0-0-1-11434');
      expect(ids).not.toContain('ollama-1-11434');
      expect(ids).toContain('vllm-127-0-0-1-8000');
    }
    expect(configured('http://localhost:8080')).toContain('ollama-127-0-0-1-11434');
    expect(
      targets({
        backends: [{ id: 'mine', kind: 'ollama', url: 'http://127.0.0.1:11434' }],
        discovery: { hosts: ['localhost'] },
      }).map((target) => target.id),
    ).not.toContain('ollama-localhost-11434');
  });

  it('follows the configured port table, or probes no well-known port at all', () => {
    const mapped = targets({ discovery: { well_known: { ollama: 21434 } } });
    expect(mapped[0]?.url).toBe('http://127.0.0.1:21434');
    expect(targets({ discovery: { well_known_ports: false } })).toEqual([]);
  });

  it('makes ids that are valid backend ids', () => {
    for (const host of ['127.0.0.1', 'GPU-1.Lab.example', '::1', 'x'.repeat(200)]) {
      expect(backendIdSchema.safeParse(wellKnownId('lmstudio', host, 1234)).success).toBe(true);
    }
  });
});
