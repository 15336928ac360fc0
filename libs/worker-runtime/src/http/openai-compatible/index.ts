export * from './openai-answer.translator.js';
export * from './openai-compatible.adapter.js';
export * from './openai-completion-chat.js';
export * from './openai-embeddings.js';
export * from './openai-errors.js';
export * from './openai-generation.js';
export * from './openai-request.translator.js';
export * from './openai-stream.translator.js';
export type * from './openai-wire.types.js';
