// What a model can do is read from its name, so a test picks behaviour by naming a model and
// the simulator needs no model database. One place for these rules: the README documents them.

/** Embedding-only models: they embed and refuse to generate or chat. */
export function isEmbeddingModel(model: string): boolean {
  return /embed|minilm|bge|e5-/i.test(model);
}

/** Thinking models emit reasoning text before the answer. */
export function isThinkingModel(model: string): boolean {
  return /think/i.test(model) && !isEmbeddingModel(model);
}

/** Vision models accept images; every other model refuses them. */
export function isVisionModel(model: string): boolean {
  return /llava|vision/i.test(model) && !isEmbeddingModel(model);
}

/** Tool-capable models (every generative model except llava, as with the real llava). */
export function supportsTools(model: string): boolean {
  return !isEmbeddingModel(model) && !/llava/i.test(model);
}

/** The length of a model's embedding vectors: fixed per model. */
export function embeddingDimension(model: string): number {
  if (/nomic/i.test(model)) return 768;
  if (/minilm/i.test(model)) return 384;
  return isEmbeddingModel(model) ? 512 : 1024;
}

/** Capability names in Ollama's vocabulary (`/api/show`, `/api/tags`). */
export function ollamaCapabilities(model: string): string[] {
  if (isEmbeddingModel(model)) return ['embedding'];
  const capabilities = ['completion'];
  if (supportsTools(model)) capabilities.push('tools');
  if (isThinkingModel(model)) capabilities.push('thinking');
  if (isVisionModel(model)) capabilities.push('vision');
  return capabilities;
}
