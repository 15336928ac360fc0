import { z } from 'zod';
import { SUBJECT_SAFE_ID } from '../subjects/subjects.js';

/** Model names are free text up to this length; the subject encoding makes any of them safe. */
export const MAX_MODEL_NAME_LENGTH = 256;

// Control characters never belong in a model name and make logs and subjects unreadable.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export const modelNameSchema = z
  .string({
    error: (issue) => (issue.input === undefined ? 'model is required' : 'model must be a string'),
  })
  .min(1, 'model is required')
  .max(MAX_MODEL_NAME_LENGTH, `model names are at most ${MAX_MODEL_NAME_LENGTH} characters`)
  .refine(
    (name) => !CONTROL_CHARACTERS.test(name),
    'model names must not contain control characters',
  )
  .refine((name) => name.trim() === name, 'model names must not start or end with white space');

/** A request id doubles as a subject token (for cancellation), so it has a narrow alphabet. */
export const requestIdSchema = z
  .string()
  .regex(SUBJECT_SAFE_ID, 'request ids are 1 to 128 letters, digits, "_" or "-"');

/** Backend ids appear in subjects and KV keys unencoded. */
export const backendIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'backend ids are 1 to 63 lower-case letters, digits, "_" or "-", starting with a letter or digit',
  );

/**
 * Backend-specific settings passed through untouched to the backend of that kind, such as
 * Ollama's `options` (`num_ctx`, `num_gpu`, `num_thread`) and `keep_alive`, or vLLM's extra
 * sampling parameters. A worker ignores the sections of other kinds.
 */
export const backendOptionsSchema = z.object({
  ollama: z.record(z.string(), z.unknown()).optional(),
  lmstudio: z.record(z.string(), z.unknown()).optional(),
  vllm: z.record(z.string(), z.unknown()).optional(),
});
export type BackendOptions = z.infer<typeof backendOptionsSchema>;

/** The most alternatives per position a request may ask log-probabilities of (Ollama's and OpenAI's limit). */
/** The most token ids one text sent as ids may hold (a long context's worth). */
export const MAX_TOKEN_IDS = 131_072;

/**
 * A text as the model's token ids, as a client that tokenized it with the model's own tokenizer
 * sends it (evaluation harnesses, pipelines that count tokens first). Only vLLM reads them; the
 * other kinds refuse them as `unsupported`.
 */
export const tokenIdsSchema = z
  .array(z.number().int().nonnegative())
  .min(1, 'token ids must hold at least one id')
  .max(MAX_TOKEN_IDS, `token ids hold at most ${MAX_TOKEN_IDS} ids`);

export const MAX_TOP_LOGPROBS = 20;

/** Sampling parameters shared by chat and completion requests; absent means the backend's default. */
export const samplingFields = {
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(5).optional(),
  top_p: z.number().min(0).max(1).optional(),
  /** The most likely tokens to sample from; 0 is every token (no top-k cut). */
  top_k: z.number().int().min(0).optional(),
  min_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  stop: z.array(z.string().min(1).max(256)).max(16).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  repeat_penalty: z.number().min(0).optional(),
};

/** The most tokens one request may bias (OpenAI documents no limit; this keeps a body small). */
export const MAX_LOGIT_BIASES = 1024;

// A token id as OpenAI's `logit_bias` keys send it: decimal, no sign or leading zeros.
const TOKEN_ID_KEY = /^(0|[1-9][0-9]{0,9})$/;

/**
 * Biases added to tokens' logits before sampling, keyed by the token's id in the model's
 * vocabulary (decimal, as OpenAI's `logit_bias`): -100 in effect bans a token, 100 forces it.
 * Ids are the model's own, so the map means something only to that model's tokenizer. vLLM and
 * LM Studio apply it; Ollama has no such option, and its worker refuses it as `unsupported`.
 */
export const logitBiasSchema = z.record(z.string(), z.number()).superRefine((bias, ctx) => {
  const ids = Object.keys(bias);
  const problem =
    ids.length > MAX_LOGIT_BIASES
      ? `must hold at most ${MAX_LOGIT_BIASES} tokens; this one holds ${ids.length}`
      : biasProblem(bias, ids);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

function biasProblem(bias: Record<string, number>, ids: readonly string[]): string | undefined {
  for (const id of ids) {
    if (!TOKEN_ID_KEY.test(id)) {
      return `must be keyed by token ids (decimal integers of 0 or more); "${id.slice(0, 32)}" is not one`;
    }
    const value = bias[id] as number;
    if (value < -100 || value > 100) {
      return `must hold biases from -100 to 100; token ${id} has ${value}`;
    }
  }
  return undefined;
}

/**
 * Fields of the generating requests (chat, completion). `stream: false` says the caller joins the
 * whole answer before using any of it: the worker may then ask its backend for one non-streamed
 * answer, which costs far less to read than a token-by-token stream, and sends it as one delta.
 * The frames are the same either way; absent means `true`.
 */
export const generationFields = {
  stream: z.boolean().optional(),
  ...samplingFields,
  /**
   * Ask for the log-probability of every generated token and of this many most likely tokens at
   * each position (0 for the chosen token's alone); the text deltas then carry `logprobs`.
   * Absent means none. Backends that cannot give them refuse the request as `unsupported`.
   */
  logprobs: z.number().int().min(0).max(MAX_TOP_LOGPROBS).optional(),
  logit_bias: logitBiasSchema.optional(),
};

/** Fields every inference request carries. */
export const requestMetaFields = {
  /** Chosen by the caller; names the request in logs and in the cancel subject. */
  id: requestIdSchema,
  model: modelNameSchema,
  /** How long the caller waits, in milliseconds from sending; the worker gives up after it. */
  timeout_ms: z
    .number()
    .int()
    .positive()
    .max(24 * 60 * 60 * 1000)
    .optional(),
  options: backendOptionsSchema.optional(),
};
