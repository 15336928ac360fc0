// The Ollama worker's adapter and model management, for the worker's main and its tests.

export * from './ollama/ollama.adapter.js';
export * from './ollama/ollama-management.js';
export type * from './ollama/ollama-wire.types.js';
