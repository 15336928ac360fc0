// Test helpers: real nats-server processes on random loopback ports, single and clustered, a
// testbed that runs a worker kind (handed in by its app's tests) behind its own server, and a
// recording HTTP server that plays a backend for an adapter's spec (started around the spec's
// tests by useRecordingBackend).
export { startNatsServer, type NatsServer, type NatsServerOptions } from './nats-server.js';
export { startNatsCluster, type NatsCluster, type NatsClusterOptions } from './nats-cluster.js';
export { NatsServerNotFoundError, NatsServerStartError } from './nats-server-process.js';
export { waitFor, sleep, WaitTimeoutError, type WaitForOptions } from './wait-for.js';
export { PROCESS_HOOK_TIMEOUT_MS, SCHEDULING_SLACK_MS } from './scheduling-slack.js';
export { freePorts } from './free-ports.js';
export { TcpRelay } from './tcp-relay.js';
export { getMonitoringJson } from './monitoring.js';
export {
  SERVICE_STOP_TIMEOUT_MS,
  ServiceStopTimeoutError,
  startServiceProcess,
  stopProcesses,
  type ServiceProcess,
  type ServiceProcessOptions,
  type StopOptions,
} from './service-process.js';
export { closeConnection, tearDown } from './teardown.js';
export { isProcessRunning, pauseProcess, resumeProcess } from './process-running.js';
export { runServiceLifecycle, type ServiceLifecycleRun } from './service-lifecycle.js';
export {
  TEST_WORKER_SETTINGS,
  WorkerTestbed,
  type InProcessWorker,
  type InProcessWorkerOptions,
  type TestBackend,
  type TestEndpoint,
  type TestWorkerSettings,
  type WorkerKindSpec,
  type WorkerTestbedOptions,
} from './worker-testbed.js';
export { RawReplies } from './raw-replies.js';
export { assembleDeltas, float32FromBase64, type AssembledDeltas } from './frame-assembly.js';
export {
  chatRequest,
  completionRequest,
  embeddingRequest,
  plainMessages,
  testRequestId,
  TINY_PNG_BASE64,
} from './requests.js';
export { streamInFlight, type StreamInFlight } from './stream-in-flight.js';
export {
  recordUrlAndBody,
  startRecordingBackend,
  type BackendRoute,
  type RecordedUrlAndBody,
  type RecordingBackend,
  type RecordingBackendOptions,
} from './recording-backend.js';
export {
  useRecordingBackend,
  type RecordingBackendFixture,
  type RecordingEndpoint,
  type UseRecordingBackendOptions,
} from './use-recording-backend.js';
export { streamUntilClosed } from './endless-stream.js';
export { collect } from './iterable-collection.js';
export { rejectionOf } from './switchyard-rejection.js';
export { abortAfter } from './mid-stream-abort.js';
export * from './worker-conformance/index.js';
export {
  defineManagementBed,
  nextId as nextManagementRequestId,
  type BedBackend,
  type ManagementBed,
  type ManagementBedKind,
  type ManagementBedOptions,
} from './management-bed.js';
export { signalHolds } from './signal-holds.js';
