// The public surface of @switchyard/worker-runtime: only what the worker apps and their tests
// use, plus the types needed to write a new backend kind's adapter. Everything else is internal
// to the library and stays exported from its own module for use inside it.

// The adapter contract a backend kind implements, and the events and endpoints it names.
export type {
  BackendAdapter,
  BackendEndpoint,
  DeltaEvent,
  EmbeddingEvent,
  EndEvent,
  GenerationEvent,
  LoadingEvent,
} from './backend-adapter.js';
export type {
  BackendManagement,
  ManagementEvent,
  ManagementOperation,
} from './management/backend-management.js';

// Running a worker: the entry point for main.ts, and the pieces tests start by hand.
export { runWorker } from './serving/run-worker.js';
export { WorkerLifecycle } from './serving/worker-lifecycle.js';
export {
  WorkerRuntime,
  type WorkerEndpointConfig,
  type WorkerRuntimeOptions,
} from './serving/worker-runtime.js';
export type { SubjectStatsData } from './serving/inference-stats.js';

// Generation helpers shared by adapters: prompts, echo, embedding slices, lazy streams.
export { lazily } from './event-sources.js';
export { echoingPrompt } from './prompt-echo.js';
export { embedInSlices } from './embedding-slices.js';
export { textInputs, textPrompt } from './text-prompt.js';

// HTTP to backends: the undici client and its call and response shapes.
export {
  BackendHttpClient,
  type BackendCall,
  type BackendHttpClientOptions,
  type BackendStreamResponse,
  type BackendTextResponse,
} from './http/backend-http.client.js';

// Backend failures as catalogued errors.
export {
  abortError,
  backendError,
  backendMessageOf,
  codeForStatus,
  credentialsRefused,
  isContextLengthMessage,
  isCredentialsRefusal,
  type BackendErrorResponse,
  type BackendErrorTranslator,
} from './http/backend-errors.js';

// Reading streamed bodies: lines, NDJSON, and OpenAI-style token logprobs.
export { LineSplitter, type ByteSource } from './http/line-splitter.js';
export { ndjsonValues, readNdjson, type NdjsonReaderOptions } from './http/ndjson-reader.js';
export { logprobsRequestFields, tokenLogprobEntries } from './http/token-logprobs.translator.js';

// The OpenAI-compatible wire format LM Studio and vLLM share: the adapter base and its dialect,
// request bodies and error bodies.
export {
  OpenAiCompatibleAdapter,
  type OpenAiDialect,
} from './http/openai-compatible/openai-compatible.adapter.js';
export {
  compact,
  joinText,
  mergePassthrough,
  openAiChatBody,
  openAiCompletionBody,
  openAiReasoningEffort,
  openAiSampling,
  toOpenAiResponseFormat,
  type OpenAiBodyRules,
  type SamplingRequest,
} from './http/openai-compatible/openai-request.translator.js';
export type { OpenAiResponseFormat } from './http/openai-compatible/openai-wire.types.js';
export {
  openAiErrorDetails,
  openAiErrorInfo,
  type OpenAiErrorInfo,
} from './http/openai-compatible/openai-errors.js';
