import { z } from 'zod';
import { modelInfoSchema } from '../fleet/backend-health.js';
import { MAX_MODEL_NAME_LENGTH, requestMetaFields } from '../messages/request-common.js';
import type { ManagementCommandName } from '../subjects/subjects.js';

/**
 * The requests of the model management commands, one schema per command, sent to
 * `<prefix>.v1.backend.<backend-id>.<command>`. Every request carries an `id` (it names the
 * cancel subject, as for inference) and may carry `timeout_ms`.
 */

// Management names end up in backend URLs, download jobs and, through the orchestrator, command
// lines (`ollama pull`, `lms get`), so they are held to the characters real model names use.
// A leading letter or digit keeps them from reading as options or absolute paths.
const MANAGED_NAME = /^[A-Za-z0-9][A-Za-z0-9.:/_@-]*$/;
const MANAGED_NAME_RULE =
  'use letters, digits and . : / _ - @, starting with a letter or digit, without ".."';

/** A model name in a management command: strict, unlike the free text of inference requests. */
export const managedModelNameSchema = z
  .string()
  .min(1, 'model is required')
  .max(MAX_MODEL_NAME_LENGTH, `model names are at most ${MAX_MODEL_NAME_LENGTH} characters`)
  // One message for a name both checks refuse (`../x`), not the same one twice.
  .regex(MANAGED_NAME, { error: `invalid model name: ${MANAGED_NAME_RULE}`, abort: true })
  .refine((name) => !name.includes('..'), `invalid model name: ${MANAGED_NAME_RULE}`);

/** A LoRA adapter's path on the vLLM host: absolute paths allowed, `..` never. */
export const loraPathSchema = z
  .string()
  .min(1, 'lora_path is required')
  .max(1024, 'lora_path is at most 1024 characters')
  .regex(/^[A-Za-z0-9/][A-Za-z0-9.:/_@-]*$/, 'lora_path: use letters, digits and . : / _ - @')
  .refine((path) => !path.includes('..'), 'lora_path must not contain ".."');

// Go durations as Ollama's keep_alive takes them ("10m", "1h30m", "-1s"), or "0".
const GO_DURATION = /^(-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+|0)$/;

const meta = { id: requestMetaFields.id, timeout_ms: requestMetaFields.timeout_ms };

/** `models` and `ps`: nothing but the request's own fields. */
export const managementQuerySchema = z.object(meta);
export type ManagementQuery = z.infer<typeof managementQuerySchema>;

/** `delete`, `show` and `unload`: one model (for LM Studio `unload`, the loaded instance id). */
export const modelCommandSchema = z.object({ ...meta, model: managedModelNameSchema });
export type ModelCommand = z.infer<typeof modelCommandSchema>;

export const pullModelCommandSchema = z.object({
  ...meta,
  model: managedModelNameSchema,
  /** Ollama: allow a registry without TLS. */
  insecure: z.boolean().optional(),
});
export type PullModelCommand = z.infer<typeof pullModelCommandSchema>;

export const copyModelCommandSchema = z.object({
  ...meta,
  source: managedModelNameSchema,
  destination: managedModelNameSchema,
});
export type CopyModelCommand = z.infer<typeof copyModelCommandSchema>;

export const loadModelCommandSchema = z.object({
  ...meta,
  model: managedModelNameSchema,
  /** Ollama: how long the model stays loaded ("10m", seconds as a number; negative: for ever). */
  keep_alive: z
    .union([z.string().regex(GO_DURATION, 'keep_alive is a duration such as "10m"'), z.number()])
    .optional(),
  /** LM Studio: the context length to load the model with. */
  context_length: z.number().int().positive().max(10_000_000).optional(),
});
export type LoadModelCommand = z.infer<typeof loadModelCommandSchema>;

export const downloadModelCommandSchema = z.object({
  ...meta,
  /** A catalog id or a Hugging Face URL. */
  model: managedModelNameSchema,
  quantization: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'quantization is a name such as "Q4_K_M"')
    .optional(),
});
export type DownloadModelCommand = z.infer<typeof downloadModelCommandSchema>;

export const loraLoadCommandSchema = z.object({
  ...meta,
  /** The name requests will use as their model. */
  lora_name: managedModelNameSchema,
  lora_path: loraPathSchema,
});
export type LoraLoadCommand = z.infer<typeof loraLoadCommandSchema>;

export const loraUnloadCommandSchema = z.object({ ...meta, lora_name: managedModelNameSchema });
export type LoraUnloadCommand = z.infer<typeof loraUnloadCommandSchema>;

/** The request schema of each command, for both ends. */
export const MANAGEMENT_REQUEST_SCHEMAS = {
  models: managementQuerySchema,
  pull: pullModelCommandSchema,
  delete: modelCommandSchema,
  copy: copyModelCommandSchema,
  show: modelCommandSchema,
  ps: managementQuerySchema,
  load: loadModelCommandSchema,
  unload: modelCommandSchema,
  download: downloadModelCommandSchema,
  'lora-load': loraLoadCommandSchema,
  'lora-unload': loraUnloadCommandSchema,
} as const satisfies Record<ManagementCommandName, z.ZodType>;

/** The validated request of one command. */
export type ManagementRequest<C extends ManagementCommandName> = z.infer<
  (typeof MANAGEMENT_REQUEST_SCHEMAS)[C]
>;

/** The `result` of `models`, for every kind: the backend's models as the fleet registry has them. */
export const modelListResultSchema = z.object({ models: z.array(modelInfoSchema) });
export type ModelListResult = z.infer<typeof modelListResultSchema>;
