import type { ModelInfo } from './backend-health.js';

/**
 * What a model can do, in Ollama's words: Ollama's `/api/show` and `/api/tags` list them as
 * `capabilities`, and Ollama clients read them to decide what to offer (tool calling, images,
 * thinking). Each worker works them out from its backend's listing and publishes them with its
 * model endpoints, so the gateway can answer for every kind of backend.
 */
export const MODEL_CAPABILITIES = [
  'completion',
  'tools',
  'thinking',
  'vision',
  'embedding',
  'insert',
] as const;
export type ModelCapability = (typeof MODEL_CAPABILITIES)[number];

function isModelCapability(word: string): word is ModelCapability {
  return (MODEL_CAPABILITIES as readonly string[]).includes(word);
}

/**
 * A listed model's capabilities: the backend's own words where they are Ollama's (Ollama lists
 * them), plus what its type and tool support say; in {@link MODEL_CAPABILITIES} order. What a
 * backend does not tell (vLLM says nothing of tools) is left out rather than guessed.
 */
export function modelCapabilities(info: ModelInfo): ModelCapability[] {
  const found = new Set((info.capabilities ?? []).filter(isModelCapability));
  found.add(info.type === 'embedding' ? 'embedding' : 'completion');
  if (info.type === 'vision') found.add('vision');
  if (info.supports_tools === true) found.add('tools');
  return MODEL_CAPABILITIES.filter((capability) => found.has(capability));
}

/** The capabilities as a micro-service endpoint's metadata value (metadata holds strings). */
export function capabilitiesMetadata(capabilities: readonly ModelCapability[]): string {
  return capabilities.join(',');
}

/** The capabilities in an endpoint's metadata value; unknown words (a newer worker's) are skipped. */
export function capabilitiesFromMetadata(value: string | undefined): ModelCapability[] {
  return (value ?? '').split(',').filter(isModelCapability);
}
