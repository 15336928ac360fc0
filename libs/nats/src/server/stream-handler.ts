import type {
  BackendKind,
  decodeMessage,
  DeltaFrame,
  EndFrame,
  HeartbeatFrame,
} from '@switchyard/contracts';
import type { NatsLogger } from '../logger.js';

/** What a worker is doing while it sends nothing else; heartbeats carry it. */
export type HeartbeatPhase = NonNullable<HeartbeatFrame['phase']>;

/** The terminal `end` frame as a handler returns it; the server adds `type` and `seq`. */
export type StreamEnd = Omit<EndFrame, 'type' | 'seq'>;

/** A frame a handler sends between `start` and the end. */
export type StreamUpdate = Omit<DeltaFrame, 'seq'> | Omit<HeartbeatFrame, 'seq'>;

/** Any zod schema, as `decodeMessage` takes it (named without importing zod here). */
export type RequestSchema = Parameters<typeof decodeMessage>[0];

/** The validated request a schema produces. */
export type DecodedRequest<S extends RequestSchema> = ReturnType<typeof decodeMessage<S>>;

/** What a handler gets besides the request. */
export interface StreamContext {
  /** The request's id; cancel messages for it abort {@link signal}. */
  readonly requestId: string;
  /**
   * The server's logger with the request's log fields bound (`request_id`: the caller's id from
   * the `x-request-id` header, else the request's id). Log every line about the request here.
   */
  readonly log: NatsLogger;
  /**
   * The caller's id for the request, as `log` carries it (`request_id`): send it on in the
   * `REQUEST_ID_HEADER` of the requests this one leads to, so that the lines other services log
   * about them carry it too, and one request can be followed from the gateway to the backend.
   */
  readonly callerRequestId: string;
  /**
   * Aborts when the caller cancels, the request's deadline passes or the server stops; its
   * `reason` is the {@link SwitchyardError} the caller is sent. Pass it to the backend call. The
   * terminal frame has already gone out when it fires, so nothing sent afterwards is delivered.
   */
  readonly signal: AbortSignal;
  /** When the request's deadline passes, in epoch milliseconds. */
  readonly deadline: number;
  /**
   * Starts the reply: which backend of which kind takes the request. Call it first and soon;
   * heartbeats flow only after it. The `start` frame goes out with the next frame (the first
   * output, a phase change, a heartbeat or the end).
   */
  start(target: { kind: BackendKind; backend: string }): void;
  /** Sends a `delta` (or an explicit `heartbeat`) frame. A no-op once the stream has ended. */
  send(frame: StreamUpdate): void;
  /** Sets the phase later heartbeats report and sends a heartbeat carrying it now. */
  setPhase(phase: HeartbeatPhase): void;
  /**
   * Sets the phase later heartbeats report, and sends nothing now: for a phase the caller need
   * hear of only if nothing else flows for a heartbeat interval (a quick answer costs no frame).
   */
  notePhase(phase: HeartbeatPhase): void;
}

/**
 * Serves one request: call `ctx.start()`, send deltas, return the end (finish reason, usage…).
 * Throwing ends the stream with an `error` frame: a {@link SwitchyardError} as it is, anything
 * else as `internal`.
 */
export type StreamHandler<Request> = (
  request: Request,
  ctx: StreamContext,
) => StreamEnd | Promise<StreamEnd>;

/**
 * How a command (a management or orchestrator command, not a generation) ends: like a finished
 * generation with no tokens, so callers need no other terminal frame. Its answer went before it,
 * as a `result` delta.
 */
export const COMMAND_END: StreamEnd = {
  finish_reason: 'stop',
  usage: { prompt_tokens: 0, completion_tokens: 0 },
};
