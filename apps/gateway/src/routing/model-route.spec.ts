import { describe, expect, it } from '@jest/globals';
import { resolveTarget, routeCandidates } from './model-route.js';

const table = {
  aliases: { 'gpt-4o': 'llama3.2:latest', fast: 'vllm/qwen', loop: 'loop' },
  fallbacks: {
    'llama3.2:latest': ['qwen', 'lmstudio/qwen', 'llama3.2:latest'],
    'gpt-4o': ['mistral'],
  },
};

describe('model routing', () => {
  it('resolves aliases one level deep and pins kinds by prefix', () => {
    expect(resolveTarget('gpt-4o', table)).toEqual({ model: 'llama3.2:latest' });
    expect(resolveTarget('fast', table)).toEqual({ model: 'qwen', kind: 'vllm' });
    expect(resolveTarget('loop', table)).toEqual({ model: 'loop' });
    expect(resolveTarget('ollama/llama3.2', table)).toEqual({ model: 'llama3.2', kind: 'ollama' });
  });

  it('keeps slashes that are not a kind prefix, and a bare prefix', () => {
    expect(resolveTarget('Qwen/Qwen2.5', table)).toEqual({ model: 'Qwen/Qwen2.5' });
    expect(resolveTarget('vllm/', table)).toEqual({ model: 'vllm/' });
    expect(resolveTarget('hf.co/org/m:Q4', table)).toEqual({ model: 'hf.co/org/m:Q4' });
  });

  it('lists the fallback chain after the model, without repeats', () => {
    expect(routeCandidates('llama3.2:latest', table)).toEqual([
      { model: 'llama3.2:latest' },
      { model: 'qwen' },
      { model: 'qwen', kind: 'lmstudio' },
    ]);
    // A chain under the name the client used wins over the resolved name's.
    expect(routeCandidates('gpt-4o', table)).toEqual([
      { model: 'llama3.2:latest' },
      { model: 'mistral' },
    ]);
    expect(routeCandidates('other', table)).toEqual([{ model: 'other' }]);
  });

  it('does not mistake inherited object keys for aliases', () => {
    expect(resolveTarget('constructor', table)).toEqual({ model: 'constructor' });
    expect(routeCandidates('__proto__', table)).toEqual([{ model: '__proto__' }]);
  });
});
