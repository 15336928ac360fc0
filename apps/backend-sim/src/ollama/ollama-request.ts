import type { SimModel } from '../core/model-registry.js';
import { isThinkingModel, isVisionModel } from '../core/model-traits.js';
import type { JsonSchema } from '../core/schema-values.js';
import type { SimContext } from '../core/sim-context.js';
import type { SimHttpError } from '../core/sim-errors.js';
import { parseKeepAlive } from '../core/timing.js';
import { modelNotFound, nativeError } from './ollama-errors.js';

type Shape = (status: number, message: string) => SimHttpError;

/** The model a request names; 400 when it names none. */
export function requireModelName(
  body: Record<string, unknown>,
  shape: Shape = nativeError,
): string {
  const name = body.model;
  if (typeof name !== 'string' || name.trim() === '') throw shape(400, 'model is required');
  return name;
}

/** The installed model, or the 404 Ollama answers (`model 'x' not found` unless worded otherwise). */
export function findModel(
  sim: SimContext,
  requested: string,
  shape: Shape = nativeError,
  message = modelNotFound(requested),
): SimModel {
  const model = sim.registry.find(requested);
  if (!model) throw shape(404, message);
  return model;
}

/** keep_alive in ms (negative = forever), the server default when absent; 400 when invalid. */
export function keepAliveMs(
  body: Record<string, unknown>,
  fallback: number,
  shape: Shape = nativeError,
): number {
  if (body.keep_alive === undefined || body.keep_alive === null) return fallback;
  const parsed = parseKeepAlive(body.keep_alive);
  if (parsed === undefined) {
    throw shape(400, `time: invalid duration ${JSON.stringify(String(body.keep_alive))}`);
  }
  return parsed;
}

/** `think`: true/false or a level; a level counts as on. 400 on anything else. */
export function parseThink(value: unknown, shape: Shape = nativeError): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['low', 'medium', 'high', 'max'].includes(value)) return true;
  throw shape(
    400,
    `invalid think value: ${JSON.stringify(value)} (must be "high", "medium", "low", "max", true, or false)`,
  );
}

/** Rejects `think: true` on a model that cannot think, as Ollama does. */
export function checkThinking(
  requested: string,
  model: SimModel,
  think: boolean | undefined,
  shape: Shape = nativeError,
): void {
  if (think === true && !isThinkingModel(model.name)) {
    throw shape(400, `"${requested}" does not support thinking`);
  }
}

/** Images sent to a model without a vision projector fail in the runner. */
export function checkImages(model: SimModel, hasImages: boolean, shape: Shape = nativeError): void {
  if (hasImages && !isVisionModel(model.name)) {
    throw shape(500, 'this model is missing data required for image input');
  }
}

const INTEGER_OPTIONS = [
  'num_keep',
  'seed',
  'num_predict',
  'top_k',
  'repeat_last_n',
  'num_ctx',
  'num_batch',
  'num_gpu',
  'main_gpu',
  'num_thread',
];
const FLOAT_OPTIONS = [
  'top_p',
  'min_p',
  'typical_p',
  'temperature',
  'repeat_penalty',
  'presence_penalty',
  'frequency_penalty',
];

/**
 * Checks option types the way Ollama does (a wrong type surfaces as a 500 from the scheduler)
 * and returns num_predict; `stop`, the other option that changes the simulated answer, is
 * read by stopOption.
 */
export function numPredict(options: unknown, shape: Shape = nativeError): number | undefined {
  if (typeof options !== 'object' || options === null) return undefined;
  const record = options as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (value === null) continue;
    if (INTEGER_OPTIONS.includes(key) && !(typeof value === 'number' && Number.isFinite(value))) {
      throw shape(500, `option "${key}" must be of type integer`);
    }
    if (FLOAT_OPTIONS.includes(key) && typeof value !== 'number') {
      throw shape(500, `option "${key}" must be of type float32`);
    }
  }
  const predict = record.num_predict;
  return typeof predict === 'number' ? Math.trunc(predict) : undefined;
}

/** `options.stop`: an array of strings, with Ollama's errors (500, as for other option types). */
export function stopOption(options: unknown, shape: Shape = nativeError): string[] | undefined {
  if (typeof options !== 'object' || options === null) return undefined;
  const stop = (options as Record<string, unknown>).stop;
  if (stop === undefined || stop === null) return undefined;
  if (!Array.isArray(stop)) throw shape(500, 'option "stop" must be of type array');
  if (!isStringArray(stop)) throw shape(500, 'option "stop" must be of an array of strings');
  return stop;
}

/** `format`: `"json"`, a JSON Schema object, or nothing. */
export function parseFormat(format: unknown): 'json' | JsonSchema | null {
  if (format === 'json') return 'json';
  if (typeof format === 'object' && format !== null && !Array.isArray(format)) {
    return format as JsonSchema;
  }
  return null;
}

/** The full registry path Ollama prints in capability errors. */
export function ollamaFullPath(canonical: string): string {
  const [path = canonical, tag = 'latest'] = splitTag(canonical);
  const parts = path.split('/');
  if (parts.length >= 3) return `${path}:${tag}`;
  if (parts.length === 2) return `registry.ollama.ai/${path}:${tag}`;
  return `registry.ollama.ai/library/${path}:${tag}`;
}

function splitTag(name: string): [string, string] {
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/')
    ? [name.slice(0, colon), name.slice(colon + 1)]
    : [name, 'latest'];
}

export const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');
