import { z } from 'zod';
import { backendKindSchema } from '../messages/backend-kind.js';
import { backendIdSchema } from '../messages/request-common.js';

/**
 * - `healthy`: answers its checks promptly.
 * - `degraded`: answers, but slowly or with some failed checks.
 * - `unhealthy`: reachable but failing its checks.
 * - `offline`: not reachable at all.
 * - `unrecognised`: something answers, but it is not the kind of server expected; never routed to.
 */
export const HEALTH_STATES = [
  'healthy',
  'degraded',
  'unhealthy',
  'offline',
  'unrecognised',
] as const;
export const healthStateSchema = z.enum(HEALTH_STATES);
export type HealthState = z.infer<typeof healthStateSchema>;

/**
 * Whether a backend in this state answers, so workers send it requests and the gateway its
 * commands: `healthy` or `degraded`.
 */
export function isServingState(state: HealthState): boolean {
  return state === 'healthy' || state === 'degraded';
}

export const MODEL_TYPES = ['chat', 'embedding', 'vision'] as const;

/** What a backend says about one model it can serve. */
export const modelInfoSchema = z.object({
  name: z.string(),
  /** Other names the backend answers to for this model, e.g. `llama3.2` for `llama3.2:latest`. */
  aliases: z.array(z.string()).optional(),
  type: z.enum(MODEL_TYPES),
  /** Loaded into memory now (serving without a load delay). */
  loaded: z.boolean(),
  context_length: z.number().int().positive().optional(),
  /**
   * The model's architecture as the backend names it (LM Studio's `arch`, e.g. `qwen2`, `llama`):
   * the family Ollama's `/api/show` keys `model_info` by. Only where the backend says it.
   */
  architecture: z.string().min(1).optional(),
  quantization: z.string().optional(),
  /** The weights' file format as the backend names it (`gguf`, `mlx`). */
  format: z.string().min(1).optional(),
  /** The parameter count as the backend writes it (`3.2B`, `137M`). */
  parameter_size: z.string().min(1).optional(),
  supports_tools: z.boolean().optional(),
  /** The backend's own capability words, where it lists them. */
  capabilities: z.array(z.string()).optional(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

/** The names a model is served by: its own and its aliases (`llama3.2:latest`, `llama3.2`). */
export function modelNames(model: Pick<ModelInfo, 'name' | 'aliases'>): string[] {
  return [model.name, ...(model.aliases ?? [])];
}

/** One backend endpoint as the fleet registry records it. */
export const registryEntrySchema = z.object({
  id: backendIdSchema,
  kind: backendKindSchema,
  url: z.url(),
  state: healthStateSchema,
  models: z.array(modelInfoSchema),
  /** The server's version string, where it reports one. */
  version: z.string().optional(),
  /** Round-trip times of the most recent checks, newest last. */
  latencies_ms: z.array(z.number().nonnegative()),
  consecutive_failures: z.number().int().nonnegative(),
  /** ISO 8601 times of the last check and of the last successful one. */
  checked_at: z.iso.datetime(),
  seen_at: z.iso.datetime().optional(),
  /** Whether the orchestrator manages this backend's process. */
  managed: z.boolean().optional(),
});
export type RegistryEntry = z.infer<typeof registryEntrySchema>;

/** A registry entry from its stored JSON, or `undefined` when it does not validate. */
export function parseRegistryEntry(json: unknown): RegistryEntry | undefined {
  const parsed = registryEntrySchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Published on `<prefix>.v1.health.<backend>` on every change, and periodically as a heartbeat. */
export const healthEventSchema = z.object({
  type: z.enum(['change', 'heartbeat']),
  backend: registryEntrySchema,
  previous_state: healthStateSchema.optional(),
  /** Why the state changed, for people reading logs. */
  reason: z.string().optional(),
  /** The discovery instance that published the event. */
  source: z.string(),
  at: z.iso.datetime(),
});
export type HealthEvent = z.infer<typeof healthEventSchema>;

/** The answer to a request on the discovery snapshot subject. */
export const registrySnapshotSchema = z.object({
  backends: z.array(registryEntrySchema),
  at: z.iso.datetime(),
});
export type RegistrySnapshot = z.infer<typeof registrySnapshotSchema>;
