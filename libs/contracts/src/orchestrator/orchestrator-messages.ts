import { z } from 'zod';
import { wireErrorSchema } from '../errors/switchyard-error.js';
import { managedModelNameSchema } from '../management/management-requests.js';
import { backendKindSchema } from '../messages/backend-kind.js';
import { backendIdSchema, modelNameSchema, requestMetaFields } from '../messages/request-common.js';

/**
 * The orchestrator's commands and events. `start`, `stop`, `restart`, `ensure` and `pull` can take
 * minutes, so they are request-stream commands: the reply is a frame stream (start, heartbeats,
 * deltas, one terminal frame) exactly as for inference, and the caller's `timeout_ms` bounds
 * them. `status` and `logs` answer at once with one JSON reply: the answer, or `{"error"}`.
 */

/** The states of a backend the orchestrator runs or watches. */
export const LIFECYCLE_STATES = [
  'starting',
  'ready',
  'unhealthy',
  'crashed',
  'restarting',
  'failed',
  'stopping',
  'stopped',
] as const;
export const lifecycleStateSchema = z.enum(LIFECYCLE_STATES);
export type LifecycleState = z.infer<typeof lifecycleStateSchema>;

export const BACKEND_MODES = ['managed', 'monitored', 'external'] as const;
export const backendModeSchema = z.enum(BACKEND_MODES);
export type BackendMode = z.infer<typeof backendModeSchema>;

const meta = { id: requestMetaFields.id, timeout_ms: requestMetaFields.timeout_ms };

/** `start`, `stop` and `restart` name a configured backend and nothing else. */
export const backendCommandSchema = z.object({ ...meta, backend: backendIdSchema });
export type BackendCommand = z.infer<typeof backendCommandSchema>;

/**
 * Make a model servable: start the managed backend that serves it (pulling the model first where
 * the backend can and the pull mode allows) and answer once a worker serves it.
 */
export const ensureCommandSchema = z.object({
  ...meta,
  model: modelNameSchema,
  kind: backendKindSchema.optional(),
});
export type EnsureCommand = z.infer<typeof ensureCommandSchema>;

/** The `result` of an `ensure`: which backend serves the model, and whether it had to start. */
export const ensureResultSchema = z.object({
  /** Absent when a backend the orchestrator does not run serves the model already. */
  backend: backendIdSchema.optional(),
  model: z.string(),
  started: z.boolean(),
});
export type EnsureResult = z.infer<typeof ensureResultSchema>;

/** Pull a model into a backend; without `backend`, the first configured one that can pull. */
export const pullCommandSchema = z.object({
  ...meta,
  model: managedModelNameSchema,
  backend: backendIdSchema.optional(),
  kind: backendKindSchema.optional(),
  /** Ollama: allow a registry without TLS. */
  insecure: z.boolean().optional(),
});
export type PullCommand = z.infer<typeof pullCommandSchema>;

/** Published on `<prefix>.v1.lifecycle.<backend>` at every state change. */
export const lifecycleEventSchema = z.object({
  backend: backendIdSchema,
  state: lifecycleStateSchema,
  previous_state: lifecycleStateSchema.optional(),
  pid: z.number().int().positive().optional(),
  exit_code: z.number().int().optional(),
  signal: z.string().optional(),
  restarts: z.number().int().nonnegative().optional(),
  message: z.string().optional(),
  at: z.iso.datetime(),
});
export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;

/** One configured backend as the orchestrator sees it; the `result` of start, stop, restart. */
export const backendStatusSchema = z.object({
  backend: backendIdSchema,
  kind: backendKindSchema,
  mode: backendModeSchema,
  url: z.string(),
  state: lifecycleStateSchema,
  pid: z.number().int().positive().optional(),
  /** Restarts after crashes since the last start a person (or an ensure) asked for. */
  restarts: z.number().int().nonnegative(),
  since: z.iso.datetime(),
  /** Why it is in this state, when that is not obvious (an exit code, a readiness failure). */
  message: z.string().optional(),
  /**
   * A managed backend's configured `models`, under the names it serves them by (Ollama's tagged
   * `llama3.2:latest` for `llama3.2`): a request for one starts it when it is not running.
   */
  models: z.array(z.string()).optional(),
});
export type BackendStatus = z.infer<typeof backendStatusSchema>;

/** `status`: any JSON object; `backend` narrows the answer to one. */
export const statusCommandSchema = z.object({ backend: backendIdSchema.optional() });
export type StatusCommand = z.infer<typeof statusCommandSchema>;

export const statusAnswerSchema = z.object({ backends: z.array(backendStatusSchema) });
export type StatusAnswer = z.infer<typeof statusAnswerSchema>;

/**
 * The most lines of a backend's output an orchestrator keeps (`orchestrator.log_lines`), and so
 * the most a `logs` command may ask for. An answer is still bounded by the NATS server's
 * `max_payload`: the oldest lines that do not fit are left out and counted.
 */
export const MAX_LOG_LINES = 100_000;

/** `logs`: the last lines a managed backend wrote to stdout and stderr. */
export const logsCommandSchema = z.object({
  backend: backendIdSchema,
  lines: z.number().int().positive().max(MAX_LOG_LINES).optional(),
});
export type LogsCommand = z.infer<typeof logsCommandSchema>;

export const logLineSchema = z.object({
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
  at: z.iso.datetime(),
});
export type LogLine = z.infer<typeof logLineSchema>;

export const logsAnswerSchema = z.object({
  backend: backendIdSchema,
  lines: z.array(logLineSchema),
  /** How many older lines were left out so the answer fits the NATS server's max_payload. */
  omitted_lines: z.number().int().positive().optional(),
});
export type LogsAnswer = z.infer<typeof logsAnswerSchema>;

/** How `status` and `logs` answer a request they cannot serve. */
export const orchestratorErrorReplySchema = z.object({ error: wireErrorSchema });

/** Pull progress, as Ollama reports it: a status line and, while bytes flow, their counts. */
export const pullProgressSchema = z.object({
  status: z.string(),
  digest: z.string().optional(),
  total: z.number().int().nonnegative().optional(),
  completed: z.number().int().nonnegative().optional(),
});
export type PullProgress = z.infer<typeof pullProgressSchema>;
