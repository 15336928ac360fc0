// The vLLM worker's adapter and LoRA management, for the worker's main and its tests.

export * from './vllm/vllm.adapter.js';
export * from './vllm/vllm-management.js';
export type * from './vllm/vllm-wire.types.js';
