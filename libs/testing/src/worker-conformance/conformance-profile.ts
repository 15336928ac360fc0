import type { NatsConnection } from '@nats-io/transport-node';
import type {
  BackendKind,
  DeltaFrame,
  EndFrame,
  ErrorCode,
  HeartbeatFrame,
  StartFrame,
  Subjects,
} from '@switchyard/contracts';
import type { TestBackend, WorkerTestbedOptions } from '../worker-testbed.js';

// What the conformance scenarios need from a worker kind, by shape only: the simulator, the
// worker runtime and the request-stream client are handed in by each worker app's tests, so this
// library depends on none of them.

/** A frame as the caller reads it (errors are thrown). */
export type CallerFrame = StartFrame | DeltaFrame | HeartbeatFrame | EndFrame;

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The calling side of the protocol (Switchyard's `RequestStreamClient`). */
export interface ConformanceClient {
  stream(
    subject: string,
    request: { id: string; timeout_ms?: number | undefined },
    options?: CallOptions,
  ): AsyncIterable<CallerFrame>;
  collect(
    subject: string,
    request: { id: string; timeout_ms?: number | undefined },
    options?: CallOptions,
  ): Promise<{ start: StartFrame; deltas: DeltaFrame[]; end: EndFrame; text: string }>;
}

/** The faults a simulated backend can be told to show. */
export interface BackendFaults {
  errorRate?: number;
  errorStatus?: 500 | 503;
  hangMs?: number;
  dropAfterTokens?: number | null;
  errorAfterTokens?: number | null;
  malformedAfterTokens?: number | null;
  tokenDelayMs?: number | null;
}

/** A simulated backend (the backend simulator), as the scenarios drive it. */
export interface SimulatedBackend extends TestBackend {
  readonly port: number;
  stats(): { received: number; active: number; aborted: number; completed: number };
  setFaults(faults: BackendFaults): unknown;
  clearFaults(): unknown;
}

/** The simulator's options the tests set (see apps/backend-sim/README.md). */
export interface SimulatedBackendOptions {
  port?: number;
  models?: string[];
  tokensPerSecond?: number;
  ttftMs?: number;
  loadMs?: number;
  answerTokens?: number;
  /** Requests the backend itself generates at once, per model. */
  maxConcurrency?: number;
}

/** A testbed as the scenarios use it (a `WorkerTestbed` of the kind fits). */
export interface ConformanceBed {
  readonly subjects: Subjects;
  readonly client: ConformanceClient;
  readonly callerNc: NatsConnection;
  readonly backend: SimulatedBackend;
  /** Every backend, in the order they were started (and listed in the worker's configuration). */
  readonly backends: readonly SimulatedBackend[];
  readonly worker: {
    limiterOf(endpoint: { id: string; url: string }): { active: number };
    /** Reads the endpoints' models now, as the worker does every refresh interval. */
    refresh(): Promise<void>;
  };
  startBackend(options: SimulatedBackendOptions): Promise<SimulatedBackend>;
  endpointId(backend: SimulatedBackend): string;
  close(): Promise<void>;
}

/** What the simulator planned to answer. */
export interface PlannedAnswer {
  text: string;
  pieces: string[];
  thinking: string;
  toolCalls: {
    id: string;
    name: string;
    arguments: Record<string, unknown>;
    argumentsJson: string;
  }[];
  promptTokens: number;
  completionTokens: number;
}

/** The simulator's answers, computed the way it computes them (`expectedCompletion` & co). */
export interface AnswerOracle {
  completion(query: {
    model: string;
    messages?: { role: string; content: unknown; tool_calls?: unknown[] }[];
    prompt?: string;
    maxTokens?: number;
    answerTokens?: number;
    tools?: unknown[];
    think?: boolean;
    format?: 'json' | Record<string, unknown>;
  }): PlannedAnswer;
  embedding(query: { model: string; text: string }): Float32Array;
  countTokens(text: string): number;
}

/** Where the kinds differ, each difference named once. */
export interface KindQuirks {
  /** Whether a streamed answer's usage counts the prompt (LM Studio streams no usage). */
  streamsPromptTokens: boolean;
  /** Whether the end frame's timings are the backend's own or the worker's measurement. */
  timingsSource: 'backend' | 'worker';
  /** The same for a non-streamed answer (`stream: false`); LM Studio reports stats only there. */
  joinedTimingsSource: 'backend' | 'worker';
  /** The same for embeddings: only Ollama's answer says how long the backend took. */
  embeddingTimingsSource: 'backend' | 'worker';
  /**
   * How a cold model shows: its load reported apart (`load_ms`), inside the time to first token,
   * or never (the server loads before it listens).
   */
  modelLoad: 'reported' | 'in-ttft' | 'before-listening';
  /** The id the backend gives the call the simulator planned: exactly, or by pattern. */
  toolCallId(planned: PlannedAnswer['toolCalls'][number]): string | RegExp;
  /** The structured-output format JSON mode becomes at the backend. */
  jsonModeFormat: 'json' | Record<string, unknown>;
  /** Whether `reasoning_effort: none` can switch a thinking model off. */
  switchesThinkingOff: boolean;
  /** The catalogued code of the backend's 503. */
  codeFor503: ErrorCode;
  /** Whether the backend returns log-probabilities; a worker whose backend does not refuses them. */
  givesLogprobs: boolean;
  /**
   * Whether the backend echoes a completion's prompt with its tokens' log-probabilities (vLLM);
   * a worker whose backend does not echoes the text alone and refuses `echo` with `logprobs`.
   */
  echoesPromptLogprobs: boolean;
}

/** One worker kind under test. */
export interface WorkerKindProfile {
  kind: BackendKind;
  /** As people write it: `Ollama`, `LM Studio`, `vLLM`. */
  name: string;
  models: { chat: string; embed: string; think: string; vision: string };
  /** nats-server, simulated backends (no delays unless asked) and one worker in front of them. */
  start(options?: WorkerTestbedOptions<SimulatedBackendOptions>): Promise<ConformanceBed>;
  oracle: AnswerOracle;
  quirks: KindQuirks;
}
