import { z } from 'zod';
import { topLogprobsSchema } from '../../http/logprobs.schemas.js';

/**
 * OpenAI Responses API request bodies (`POST /v1/responses`) as clients send them. The body is
 * checked here field by field; `input` items and `tools` are checked one by one by the translator
 * (`itemSchemas`, `functionToolSchema`), so that an error names the item at fault
 * (`input[3].call_id`) and a kind Switchyard cannot serve is refused by name.
 */

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().optional(),
    description: z.string().optional(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
  }),
]);

/** `tool_choice: {type: "allowed_tools"}`: its tools are checked one by one by the translator. */
export const allowedToolsChoiceSchema = z.object({
  type: z.literal('allowed_tools'),
  mode: z.enum(['auto', 'required']),
  tools: z.array(z.unknown()).min(1, 'tools must hold at least one tool'),
});
export type AllowedToolsChoice = z.infer<typeof allowedToolsChoiceSchema>;

export const allowedFunctionSchema = z.object({
  type: z.literal('function'),
  name: z.string().min(1),
  namespace: z.string().nullish(),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  allowedFunctionSchema,
  allowedToolsChoiceSchema,
]);

export const responsesBodySchema = z.object({
  model: z.unknown(),
  input: z.union([z.string(), z.array(z.unknown()).min(1, 'input must hold at least one item')]),
  instructions: z.string().nullish(),
  tools: z.array(z.unknown()).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.object({ format: textFormat.nullish() }).loose().nullish(),
  reasoning: z
    .object({
      effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
      /** Asks for the reasoning's summary, which is the reasoning itself here. */
      summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
    })
    .loose()
    .nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_logprobs: topLogprobsSchema,
  include: z.array(z.string()).nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().nullish(),
  truncation: z.enum(['auto', 'disabled']).nullish(),
  // Asked of OpenAI's own storage and services; refused by name by the translator.
  previous_response_id: z.string().nullish(),
  conversation: z.unknown().optional(),
  background: z.boolean().nullish(),
  prompt: z.unknown().optional(),
});
export type ResponsesBody = z.infer<typeof responsesBodySchema>;

const inputText = z.object({ type: z.literal('input_text'), text: z.string() });
const outputText = z.object({ type: z.literal('output_text'), text: z.string() }).loose();
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() });
const inputImage = z.object({
  type: z.literal('input_image'),
  image_url: z.string().nullish(),
  file_id: z.string().nullish(),
  detail: z.string().optional(),
});
const otherPart = z.object({ type: z.string() }).loose();

export const contentPartSchema = z.union([inputText, outputText, refusal, inputImage, otherPart]);
export type ResponsesContentPart = z.infer<typeof contentPartSchema>;

const content = z.union([z.string(), z.array(contentPartSchema)]);

/** The input items Switchyard takes, by `type` (a message may leave its type out). */
export const itemSchemas = {
  message: z
    .object({
      type: z.literal('message').optional(),
      role: z.enum(['user', 'assistant', 'system', 'developer']),
      content,
    })
    .loose(),
  function_call: z
    .object({
      type: z.literal('function_call'),
      call_id: z.string().min(1),
      name: z.string().min(1),
      /** The namespace of a function of a `namespace` tool. */
      namespace: z.string().nullish(),
      arguments: z.string(),
    })
    .loose(),
  function_call_output: z
    .object({
      type: z.literal('function_call_output'),
      call_id: z.string().min(1),
      output: content,
    })
    .loose(),
  reasoning: z
    .object({
      type: z.literal('reasoning'),
      content: z
        .array(z.object({ type: z.string(), text: z.string().optional() }).loose())
        .nullish(),
    })
    .loose(),
  /** An output item of an earlier stored response, by its id (see `ResponseItemStore`). */
  item_reference: z.object({ type: z.literal('item_reference'), id: z.string().min(1) }).loose(),
};

export const functionToolSchema = z.object({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
