import { SimOptionsError } from './sim-errors.js';

export const BACKEND_KINDS = ['ollama', 'lmstudio', 'vllm'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

/** Options of one simulator; everything but `kind` has a default (see KIND_DEFAULTS, DEFAULTS). */
export interface SimulatorOptions {
  kind: BackendKind;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Port; 0 picks a free one (default 0 in process; the kind's usual port from the CLI). */
  port?: number;
  /** Installed / served models. vLLM: the served names of its one model (the first is echoed). */
  models?: string[];
  /** Models that `/api/pull` (Ollama) or `/api/v1/models/download` (LM Studio) can fetch. */
  catalogue?: string[];
  /** Token rate while streaming; 0 means no delay at all (for benchmarks). */
  tokensPerSecond?: number;
  /** Delay before the first token (prompt processing). */
  ttftMs?: number;
  /** Model load time; vLLM does not listen until it has passed. */
  loadMs?: number;
  /** How long a simulated pull/download takes. */
  pullMs?: number;
  /** Requests generating at once per model; more wait in the queue. */
  maxConcurrency?: number;
  /** Requests that may wait per model; past that the request is refused with a 503. */
  queue?: number;
  /** Seeds every generated answer, embedding and fault decision. */
  seed?: number;
  /** Fraction (0..1) of inference requests answered with a simulated 500. */
  failRate?: number;
  /** Words in a natural answer. */
  answerTokens?: number;
  /** Context window of every model; vLLM refuses prompt + max_tokens above it. */
  contextLength?: number;
  /** vLLM only: the `--api-key` that guards `/v1`. */
  apiKey?: string;
}

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'apiKey'>> & { apiKey?: string };

export const KIND_DEFAULTS: Record<
  BackendKind,
  { port: number; models: string[]; catalogue: string[]; maxConcurrency: number }
> = {
  // OLLAMA_NUM_PARALLEL defaults to 1.
  ollama: {
    port: 11434,
    models: ['llama3.2:latest', 'all-minilm:latest'],
    catalogue: [
      'llama3.2:latest',
      'llama3.2:1b',
      'qwen3:0.6b',
      'qwen3-think:0.6b',
      'llava:7b',
      'all-minilm:latest',
      'nomic-embed-text:latest',
      'smollm2:135m',
    ],
    maxConcurrency: 1,
  },
  // "Max Concurrent Predictions" defaults to 4.
  lmstudio: {
    port: 1234,
    models: ['qwen2.5-7b-instruct', 'text-embedding-nomic-embed-text-v1.5'],
    catalogue: ['qwen2.5-7b-instruct', 'qwen3-think-4b', 'llava-v1.5-7b', 'gemma-3-1b-it'],
    maxConcurrency: 4,
  },
  // vLLM's --max-num-seqs is hardware dependent; 256 is its common default.
  vllm: {
    port: 8000,
    models: ['Qwen/Qwen2.5-0.5B-Instruct'],
    catalogue: [],
    maxConcurrency: 256,
  },
};

export const DEFAULTS = {
  host: '127.0.0.1',
  tokensPerSecond: 200,
  ttftMs: 10,
  loadMs: 100,
  pullMs: 100,
  // OLLAMA_MAX_QUEUE defaults to 512; the other kinds have no documented bound, so the same.
  queue: 512,
  seed: 0,
  failRate: 0,
  answerTokens: 16,
  contextLength: 4096,
} as const;

/** Fills in defaults and checks every value; throws SimOptionsError naming the bad option. */
export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  if (!BACKEND_KINDS.includes(options.kind)) {
    throw new SimOptionsError(`--kind must be one of ${BACKEND_KINDS.join(', ')}`);
  }
  const kind = KIND_DEFAULTS[options.kind];
  const resolved: ResolvedOptions = {
    kind: options.kind,
    host: options.host ?? DEFAULTS.host,
    port: options.port ?? 0,
    models: options.models ?? kind.models,
    catalogue: options.catalogue ?? kind.catalogue,
    tokensPerSecond: options.tokensPerSecond ?? DEFAULTS.tokensPerSecond,
    ttftMs: options.ttftMs ?? DEFAULTS.ttftMs,
    loadMs: options.loadMs ?? DEFAULTS.loadMs,
    pullMs: options.pullMs ?? DEFAULTS.pullMs,
    maxConcurrency: options.maxConcurrency ?? kind.maxConcurrency,
    queue: options.queue ?? DEFAULTS.queue,
    seed: options.seed ?? DEFAULTS.seed,
    failRate: options.failRate ?? DEFAULTS.failRate,
    answerTokens: options.answerTokens ?? DEFAULTS.answerTokens,
    contextLength: options.contextLength ?? DEFAULTS.contextLength,
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
  };
  check(resolved.host.length > 0, '--host must not be empty');
  check(isInt(resolved.port, 0, 65535), '--port must be an integer from 0 to 65535');
  check(
    resolved.models.length > 0 && resolved.models.every((m) => m.trim().length > 0),
    '--models must name at least one model, without empty names',
  );
  check(resolved.tokensPerSecond >= 0, '--tokens-per-second must be 0 or more');
  check(resolved.ttftMs >= 0, '--ttft-ms must be 0 or more');
  check(resolved.loadMs >= 0, '--load-ms must be 0 or more');
  check(resolved.pullMs >= 0, '--pull-ms must be 0 or more');
  check(isInt(resolved.maxConcurrency, 1), '--max-concurrency must be an integer of 1 or more');
  check(isInt(resolved.queue, 0), '--queue must be an integer of 0 or more');
  check(Number.isInteger(resolved.seed), '--seed must be an integer');
  check(resolved.failRate >= 0 && resolved.failRate <= 1, '--fail-rate must be from 0 to 1');
  check(isInt(resolved.answerTokens, 0), '--answer-tokens must be an integer of 0 or more');
  check(isInt(resolved.contextLength, 1), '--context-length must be an integer of 1 or more');
  check(
    resolved.apiKey === undefined || resolved.kind === 'vllm',
    '--api-key is only supported with --kind vllm',
  );
  return resolved;
}

function isInt(value: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new SimOptionsError(message);
}
