import { describe, expect, it } from '@jest/globals';
import type { ModelInfo } from './backend-health.js';
import {
  capabilitiesFromMetadata,
  capabilitiesMetadata,
  modelCapabilities,
} from './model-capabilities.js';

const info = (fields: Partial<ModelInfo>): ModelInfo => ({
  name: 'm',
  type: 'chat',
  loaded: false,
  ...fields,
});

describe('modelCapabilities', () => {
  it("keeps Ollama's own words, in Ollama's order", () => {
    expect(
      modelCapabilities(
        info({ capabilities: ['thinking', 'tools', 'completion'], supports_tools: true }),
      ),
    ).toEqual(['completion', 'tools', 'thinking']);
    expect(modelCapabilities(info({ type: 'embedding', capabilities: ['embedding'] }))).toEqual([
      'embedding',
    ]);
  });

  it('works them out from the type and tool support where the backend has other words', () => {
    // LM Studio lists its model type, vLLM marks LoRA adapters: neither is an Ollama capability.
    expect(modelCapabilities(info({ type: 'vision', capabilities: ['vlm'] }))).toEqual([
      'completion',
      'vision',
    ]);
    expect(modelCapabilities(info({ type: 'embedding', capabilities: ['embeddings'] }))).toEqual([
      'embedding',
    ]);
    expect(modelCapabilities(info({ capabilities: ['lora'] }))).toEqual(['completion']);
    expect(modelCapabilities(info({ supports_tools: true }))).toEqual(['completion', 'tools']);
  });
});

describe('capabilities in endpoint metadata', () => {
  it('round-trips, and skips words it does not know', () => {
    expect(capabilitiesFromMetadata(capabilitiesMetadata(['completion', 'vision']))).toEqual([
      'completion',
      'vision',
    ]);
    expect(capabilitiesFromMetadata('completion,teleport,tools')).toEqual(['completion', 'tools']);
    expect(capabilitiesFromMetadata(undefined)).toEqual([]);
    expect(capabilitiesFromMetadata('')).toEqual([]);
  });
});
