// Backend HTTP plumbing shared by the worker apps: the undici client, stream readers, the
// mapping of network and HTTP failures to the error catalogue, and the OpenAI-compatible wire
// format that LM Studio and vLLM share.

export * from './backend-errors.js';
export * from './backend-http.client.js';
export * from './line-splitter.js';
export * from './ndjson-reader.js';
export * from './sse-reader.js';
export * from './token-logprobs.translator.js';
export * from './openai-compatible/index.js';
