// The NATS layer of Switchyard: one connection per process (with a thin Nest module) and both
// sides of the request-stream protocol. Everything else in this package is internal.
export { silentLogger, withFields, type NatsLogger } from './logger.js';
export {
  connectNats,
  type ConnectNatsOptions,
  type NatsConfigInput,
} from './connection/connect-nats.js';
export { bucketKeys } from './kv/bucket-keys.js';
export { bucketValues, liveValue, type ValueParser } from './kv/bucket-values.js';
export { buildConnectionOptions } from './connection/connection-options.js';
export { NatsConnectError } from './connection/nats-connect.error.js';
export { nkeySeedProblem } from './connection/nkey-seed.js';
export {
  ConnectionWatch,
  type ConnectionWatchOptions,
  type OutageListener,
} from './connection/connection-watch.js';
export { maxPayloadOf } from './connection/max-payload.js';
export {
  InjectNats,
  NATS_CONNECTION,
  NatsModule,
  type NatsModuleAsyncOptions,
  type NatsModuleOptions,
} from './connection/nats.module.js';
export {
  DEFAULT_MAX_BUFFERED_BYTES,
  RequestStreamClient,
  type RequestStreamClientOptions,
  type StreamCallOptions,
  type StreamRequest,
  type StreamResult,
} from './client/request-stream.client.js';
export type { FrameStream, StreamFrame } from './client/frame-stream.js';
export { READER_BEHIND } from './client/frame-stream.js';
export {
  StreamServer,
  type HandleOptions,
  type RequestHeaders,
  type RequestMessage,
  type ServeOptions,
  type StreamEndpoint,
  type StreamServerOptions,
} from './server/stream-server.js';
export { COMMAND_END } from './server/stream-handler.js';
export { respondWithin, type BoundedReplyOptions } from './server/bounded-reply.js';
export { answerUnknownCommands, type UnknownCommandsOptions } from './server/unknown-commands.js';
export type {
  DecodedRequest,
  HeartbeatPhase,
  RequestSchema,
  StreamContext,
  StreamEnd,
  StreamHandler,
  StreamUpdate,
} from './server/stream-handler.js';
export {
  queryWorkerInfo,
  queryWorkerStats,
  type WorkerQueryOptions,
} from './client/worker-services.js';
export {
  TRACING_CHANNELS,
  type FramePublishMessage,
  type FrameReceiveMessage,
  type RequestPublishMessage,
  type RequestReceiveMessage,
} from './tracing-channels.js';
export type { ServiceInfo, ServiceStats } from '@nats-io/services';
// The connection type every API here takes, so callers need not import nats.js for it.
export type { NatsConnection, Subscription } from '@nats-io/transport-node';
