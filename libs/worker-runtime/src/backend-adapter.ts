import type {
  BackendKind,
  ChatRequest,
  CompletionRequest,
  EmbeddingRequest,
  FinishReason,
  GeneratedTokenLogprob,
  ModelInfo,
  Timings,
  ToolCallDelta,
  Usage,
} from '@switchyard/contracts';
import type { BackendManagement } from './management/backend-management.js';

/**
 * What a worker app provides to the shared runtime: everything that differs between Ollama,
 * LM Studio and vLLM, and nothing else. An adapter turns canonical requests into its backend's
 * HTTP calls and the backend's answers into `GenerationEvent`s; the runtime does the rest
 * (subscriptions, limits, queueing, frames, heartbeats, cancellation, metrics).
 *
 * Adapters throw `SwitchyardError` with a catalogued code for every failure, translated from the
 * backend's own error shapes, and stop at once when `signal` aborts (the runtime passes the
 * caller's cancel and the request deadline through it).
 */
export interface BackendAdapter {
  readonly kind: BackendKind;
  /** Requests sent to one endpoint at once when the configuration names no limit. */
  readonly defaultMaxConcurrency: number;

  /** The models the endpoint can serve now (loaded or loadable on demand). */
  listModels(endpoint: BackendEndpoint, signal: AbortSignal): Promise<ModelInfo[]>;

  chat(
    endpoint: BackendEndpoint,
    request: ChatRequest,
    signal: AbortSignal,
  ): AsyncIterable<GenerationEvent>;
  complete(
    endpoint: BackendEndpoint,
    request: CompletionRequest,
    signal: AbortSignal,
  ): AsyncIterable<GenerationEvent>;
  embed(
    endpoint: BackendEndpoint,
    request: EmbeddingRequest,
    signal: AbortSignal,
  ): AsyncIterable<GenerationEvent>;

  /**
   * The model management commands this kind supports (pull, load, LoRA adapters…), served on
   * each configured backend's management subjects; absent means none but `models`.
   */
  readonly management?: BackendManagement;

  /** Closes the adapter's pooled backend connections; called once, at shutdown. */
  close?(): Promise<void>;
}

/** One backend server a worker sends requests to. */
export interface BackendEndpoint {
  /** The backend id from the configuration or the registry, e.g. `ollama-local`. */
  readonly id: string;
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:11434`. */
  readonly url: string;
  readonly apiKey?: string | undefined;
}

/**
 * What a backend produced, in order. Text, reasoning and tool-call fragments arrive as `delta`s;
 * embedding vectors as `embedding`s; a generation ends with exactly one `end` (or a throw).
 */
export type GenerationEvent = LoadingEvent | DeltaEvent | EmbeddingEvent | EndEvent;

/** The backend is loading the model; the runtime heartbeats with phase `loading`. */
export interface LoadingEvent {
  readonly type: 'loading';
}

export interface DeltaEvent {
  readonly type: 'delta';
  readonly text?: string;
  /** When the backend gave them: one entry per token of `text`, in order. */
  readonly logprobs?: readonly GeneratedTokenLogprob[];
  readonly reasoning?: string;
  readonly tool_calls?: readonly ToolCallDelta[];
}

export interface EmbeddingEvent {
  readonly type: 'embedding';
  readonly index: number;
  readonly vector: Float32Array;
}

export interface EndEvent {
  readonly type: 'end';
  readonly finish_reason: FinishReason;
  readonly usage: Usage;
  /** The backend's own statistics; when absent the runtime measures time to first token and speed. */
  readonly timings?: Timings;
  /** The model name as the backend reported it. */
  readonly model?: string;
  /** The stop sequence that ended the answer, when the backend says which. */
  readonly stop_sequence?: string;
}
