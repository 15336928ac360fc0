// The LM Studio worker's adapter and model management, for the worker's main and its tests.

export * from './lmstudio/lmstudio.adapter.js';
export * from './lmstudio/lmstudio-management.js';
export type * from './lmstudio/lmstudio-wire.types.js';
