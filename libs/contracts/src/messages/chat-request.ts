import { z } from 'zod';
import { generationFields, requestMetaFields } from './request-common.js';

export const textPartSchema = z.object({ type: z.literal('text'), text: z.string() });

/** Images travel as base64 bytes with their media type; URLs are resolved before NATS. */
export const imagePartSchema = z.object({
  type: z.literal('image'),
  data: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'image data must be base64'),
  media_type: z
    .string()
    .regex(/^image\/[a-z0-9.+-]+$/)
    .optional(),
});

export const contentPartSchema = z.discriminatedUnion('type', [textPartSchema, imagePartSchema]);
export type ContentPart = z.infer<typeof contentPartSchema>;

/** A tool call the assistant made; `arguments` is a JSON-encoded string, as in OpenAI's API. */
export const toolCallSchema = z.object({
  id: z.string().min(1).max(256),
  name: z.string().min(1).max(256),
  arguments: z.string(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const chatMessageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(contentPartSchema).max(256), z.null()]),
  name: z.string().max(256).optional(),
  tool_calls: z.array(toolCallSchema).max(128).optional(),
  /** On `tool` messages: the call this message answers. */
  tool_call_id: z.string().max(256).optional(),
  /** Reasoning text of an earlier assistant turn, sent back to the model. */
  reasoning: z.string().optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const toolDefinitionSchema = z.object({
  name: z.string().min(1).max(256),
  description: z.string().optional(),
  /** JSON Schema of the arguments. */
  parameters: z.record(z.string(), z.unknown()).optional(),
  strict: z.boolean().optional(),
});
export type ToolDefinition = z.infer<typeof toolDefinitionSchema>;

export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ name: z.string().min(1).max(256) }),
]);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

export const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().max(256).optional(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().optional(),
  }),
]);
export type ResponseFormat = z.infer<typeof responseFormatSchema>;

export const REASONING_EFFORTS = ['none', 'low', 'medium', 'high', 'max'] as const;

/** The canonical chat request, sent to `<prefix>.v1.chat.<model>`. */
export const chatRequestSchema = z
  .object({
    ...requestMetaFields,
    messages: z
      .array(chatMessageSchema)
      .min(1, 'messages must hold at least one message')
      .max(10_000),
    tools: z.array(toolDefinitionSchema).max(256).optional(),
    tool_choice: toolChoiceSchema.optional(),
    /** `false`: the answer makes at most one tool call (the worker keeps the first). */
    parallel_tool_calls: z.boolean().optional(),
    response_format: responseFormatSchema.optional(),
    /** Ask a reasoning model to think (and how hard); `none` switches thinking off. */
    reasoning_effort: z.enum(REASONING_EFFORTS).optional(),
    ...generationFields,
  })
  .superRefine(({ tools, tool_choice: choice }, ctx) => {
    // A choice no answer can honour: a call is required, or one of a tool, that is not offered.
    if (choice === undefined || choice === 'none' || choice === 'auto') return;
    if (choice === 'required') {
      if ((tools?.length ?? 0) === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['tool_choice'],
          message: 'tool_choice "required" needs tools, and the request has none',
        });
      }
      return;
    }
    if (tools?.some((tool) => tool.name === choice.name) !== true) {
      ctx.addIssue({
        code: 'custom',
        path: ['tool_choice'],
        message: `tool_choice names the tool "${choice.name}", which is not in tools`,
      });
    }
  });
export type ChatRequest = z.infer<typeof chatRequestSchema>;
