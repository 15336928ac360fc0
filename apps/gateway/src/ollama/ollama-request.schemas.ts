import { z } from 'zod';
import { imagePartSchema } from '@switchyard/contracts';
import { topLogprobsSchema } from '../http/logprobs.schemas.js';

/** Backends answer an empty text with no vector at all; it is the client's mistake. */
const nonEmpty = z.string().min(1, 'texts to embed must not be empty');

/** Ollama request bodies as its clients send them; unknown fields are ignored, as Ollama does. */

const toolCall = z.object({
  function: z.object({
    name: z.string().min(1),
    arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
  }),
});

export const ollamaMessageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.string().nullish(),
  // Checked here as the canonical image part checks its data, so a bad one names this field.
  images: z.array(imagePartSchema.shape.data).nullish(),
  tool_calls: z.array(toolCall).nullish(),
  tool_name: z.string().optional(),
  thinking: z.string().optional(),
});
export type OllamaMessage = z.infer<typeof ollamaMessageSchema>;

const tool = z.object({
  type: z.literal('function').optional(),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** `options`: the sampling fields Switchyard knows, plus any runtime option passed through. */
export const ollamaOptionsSchema = z
  .object({
    temperature: z.number().optional(),
    top_p: z.number().optional(),
    top_k: z.number().int().optional(),
    min_p: z.number().optional(),
    seed: z.number().int().optional(),
    stop: z.union([z.string(), z.array(z.string())]).optional(),
    num_predict: z.number().int().optional(),
    repeat_penalty: z.number().optional(),
    presence_penalty: z.number().optional(),
    frequency_penalty: z.number().optional(),
  })
  .loose();
export type OllamaOptions = z.infer<typeof ollamaOptionsSchema>;

/** The fields `/api/chat` and `/api/generate` share. */
const common = z.object({
  model: z.unknown(),
  format: z.union([z.literal(''), z.literal('json'), z.record(z.string(), z.unknown())]).nullish(),
  options: ollamaOptionsSchema.nullish(),
  stream: z.boolean().nullish(),
  keep_alive: z.union([z.string(), z.number()]).nullish(),
  think: z
    .union([z.boolean(), z.enum(['low', 'medium', 'high', 'max'])], {
      error: (issue) =>
        `invalid think value: ${JSON.stringify(issue.input)} (must be "high", "medium", "low", "max", true, or false)`,
    })
    .nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: topLogprobsSchema,
});

export const ollamaChatBodySchema = common.extend({
  messages: z.array(ollamaMessageSchema).nullish(),
  tools: z.array(tool).nullish(),
});
export type OllamaChatBody = z.infer<typeof ollamaChatBodySchema>;

export const ollamaGenerateBodySchema = common.extend({
  prompt: z.string().nullish(),
  suffix: z.string().nullish(),
  system: z.string().nullish(),
  /** The model's prompt template, replaced for this request (Go template syntax, Ollama only). */
  template: z.string().nullish(),
  /** Deprecated in Ollama: the token context an earlier answer returned, to continue from. */
  context: z.array(z.number().int()).nullish(),
  images: z.array(imagePartSchema.shape.data).nullish(),
  raw: z.boolean().nullish(),
});
export type OllamaGenerateBody = z.infer<typeof ollamaGenerateBodySchema>;

export const ollamaEmbedBodySchema = z.object({
  model: z.unknown(),
  // None, `""` or `[]`: nothing to embed, which loads the model (as Ollama does).
  input: z.union([z.string(), z.array(nonEmpty)]).nullish(),
  truncate: z.boolean().nullish(),
  dimensions: z.number().int().positive().nullish(),
  options: ollamaOptionsSchema.nullish(),
  keep_alive: z.union([z.string(), z.number()]).nullish(),
});

export const ollamaLegacyEmbeddingBodySchema = z.object({
  model: z.unknown(),
  prompt: z.string().nullish(),
  options: ollamaOptionsSchema.nullish(),
  keep_alive: z.union([z.string(), z.number()]).nullish(),
});

export const ollamaShowBodySchema = z.object({
  model: z.string().optional(),
  name: z.string().optional(),
});

/** `DELETE /api/delete`: the model as `model`, or as `name` (what older clients send). */
export const ollamaDeleteBodySchema = z.object({
  model: z.string().optional(),
  name: z.string().optional(),
});

export const ollamaCopyBodySchema = z.object({
  source: z.string({ error: 'source is required' }).min(1, 'source is required'),
  destination: z.string({ error: 'destination is required' }).min(1, 'destination is required'),
});

/** `POST /api/pull`: the model as `model` or `name`; NDJSON progress unless `stream` is false. */
export const ollamaPullBodySchema = z.object({
  model: z.string().optional(),
  name: z.string().optional(),
  insecure: z.boolean().optional(),
  stream: z.boolean().optional(),
});
