import { describe, expect, it } from '@jest/globals';
import { ollamaTagged } from './ollama-model-names.js';

describe('ollamaTagged', () => {
  it.each([
    ['llama3.2', 'llama3.2:latest'],
    ['llama3.2:latest', 'llama3.2:latest'],
    ['qwen3:0.6b', 'qwen3:0.6b'],
    ['library/llama3.2', 'library/llama3.2:latest'],
    ['hf.co/org/model:Q4_K_M', 'hf.co/org/model:Q4_K_M'],
    // A registry's port is not a tag.
    ['registry.local:5000/team/model', 'registry.local:5000/team/model:latest'],
  ])('reads %s as %s', (name, tagged) => {
    expect(ollamaTagged(name)).toBe(tagged);
  });
});
