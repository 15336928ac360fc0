// The public surface of @switchyard/worker-runtime.

export * from './backend-adapter.js';
export * from './http/index.js';
export * from './limits/endpoint-limiter.js';
export { lazily, RetriedBeforeFirst } from './event-sources.js';
export { echoingPrompt } from './prompt-echo.js';
export { embedInSlices } from './embedding-slices.js';
export { textInputs, textPrompt } from './text-prompt.js';
export {
  ModelDirectory,
  type EndpointStatus,
  type ModelDirectoryChange,
} from './serving/model-directory.js';
export {
  GenerationFrames,
  float32ToBase64,
  type GenerationClock,
} from './serving/generation-frames.js';
export { InferenceStats, type SubjectStatsData } from './serving/inference-stats.js';
export {
  WorkerRuntime,
  type WorkerEndpointConfig,
  type WorkerRuntimeOptions,
} from './serving/worker-runtime.js';
export {
  WorkerLifecycle,
  BACKEND_ADAPTER,
  MAX_REQUEST_BYTES,
  endpointsOf,
  withDiscovered,
} from './serving/worker-lifecycle.js';
export { RegistryEndpoints, type RegistryEndpointsOptions } from './serving/registry-endpoints.js';
export { runWorker } from './serving/run-worker.js';
export type {
  BackendManagement,
  BuiltInManagementCommand,
  ManagementEvent,
  ManagementOperation,
} from './management/backend-management.js';
export { MODEL_SET_COMMANDS } from './management/management-handler.js';
export {
  MAX_MANAGEMENT_REQUEST_BYTES,
  WorkerManagement,
  type WorkerManagementOptions,
} from './management/worker-management.js';
