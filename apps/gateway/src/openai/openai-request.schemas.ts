import { z } from 'zod';
import { topLogprobsSchema } from '../http/logprobs.schemas.js';
import { MAX_CHOICES } from './openai-choices.js';

/** Backends answer an empty text with no vector at all; it is the client's mistake. */
const nonEmpty = z.string().min(1, 'texts to embed must not be empty');

/**
 * OpenAI request bodies as clients send them. Fields Switchyard does not act on are accepted
 * and ignored (as OpenAI-compatible servers do); fields whose meaning cannot be honoured are
 * refused by the translators with a 400 naming them.
 */

const stopSchema = z.union([z.string(), z.array(z.string()), z.null()]).optional();

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string(), detail: z.string().optional() }),
});
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });
const otherPart = z.object({ type: z.string() }).loose();

export const openAIContentPartSchema = z.union([textPart, imagePart, refusalPart, otherPart]);
export type OpenAIContentPart = z.infer<typeof openAIContentPartSchema>;

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

export const openAIMessageSchema = z.object({
  // `function` and `function_call`: the legacy form of tool messages and calls, refused by name.
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(openAIContentPartSchema), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(toolCall).nullish(),
  tool_call_id: z.string().optional(),
  reasoning_content: z.string().nullish(),
  function_call: z.unknown().optional(),
});
export type OpenAIMessage = z.infer<typeof openAIMessageSchema>;

const functionTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().optional(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const sampling = {
  max_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_k: z.number().int().nullish(),
  min_p: z.number().nullish(),
  seed: z.number().int().nullish(),
  stop: stopSchema,
  presence_penalty: z.number().nullish(),
  frequency_penalty: z.number().nullish(),
  repetition_penalty: z.number().nullish(),
  // Keys and values are checked by the canonical schema, which says what is wrong with them.
  logit_bias: z.record(z.string(), z.number()).nullish(),
  n: z
    .number()
    .int()
    .min(1, 'n must be at least 1')
    .max(MAX_CHOICES, `n must be at most ${MAX_CHOICES}`)
    .nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  user: z.string().optional(),
};

export const openAIChatBodySchema = z.object({
  model: z.unknown(),
  messages: z.array(openAIMessageSchema).min(1, 'messages must hold at least one message'),
  tools: z.array(functionTool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: topLogprobsSchema,
  // Refused by name by the translator: the legacy form of tools, and output other than text.
  functions: z.unknown().optional(),
  function_call: z.unknown().optional(),
  modalities: z.array(z.string()).nullish(),
  audio: z.unknown().optional(),
  ...sampling,
});
export type OpenAIChatBody = z.infer<typeof openAIChatBodySchema>;

/** The legacy completions API's limit on alternatives per position (OpenAI's: at most 5). */
const MAX_COMPLETION_LOGPROBS = 5;
const COMPLETION_LOGPROBS_RANGE = `logprobs must be between 0 and ${MAX_COMPLETION_LOGPROBS}`;

export const openAICompletionBodySchema = z.object({
  model: z.unknown(),
  // Text or the model's token ids, one prompt or a list: OpenAI's four shapes, told apart (with
  // errors that say which) by the translator.
  prompt: z.union([
    z.string(),
    z.array(z.unknown()).min(1, 'prompt must hold at least one prompt'),
  ]),
  suffix: z.string().nullish(),
  echo: z.boolean().nullish(),
  best_of: z.number().int().nullish(),
  logprobs: z
    .number()
    .int()
    .min(0, COMPLETION_LOGPROBS_RANGE)
    .max(MAX_COMPLETION_LOGPROBS, COMPLETION_LOGPROBS_RANGE)
    .nullish(),
  ...sampling,
});
export type OpenAICompletionBody = z.infer<typeof openAICompletionBodySchema>;

export const openAIEmbeddingBodySchema = z.object({
  model: z.unknown(),
  // Texts or the model's token ids, as for a completion's prompt: told apart by the translator.
  input: z.union([nonEmpty, z.array(z.unknown()).min(1, 'input must hold at least one string')]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});
export type OpenAIEmbeddingBody = z.infer<typeof openAIEmbeddingBodySchema>;
