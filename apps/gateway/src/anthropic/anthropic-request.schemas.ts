import { z } from 'zod';

/**
 * Anthropic Messages API request bodies (`POST /v1/messages`) as clients send them. Fields
 * Switchyard does not act on (`metadata`, `cache_control` on blocks, `service_tier`) are accepted
 * and ignored; what needs Anthropic's own services is refused by the translator, naming it.
 */

export const base64SourceSchema = z.object({
  type: z.literal('base64'),
  media_type: z.string(),
  data: z.string(),
});
const otherSource = z.object({ type: z.string() }).loose();

const textBlock = z.object({ type: z.literal('text'), text: z.string() }).loose();
const imageBlock = z
  .object({ type: z.literal('image'), source: z.union([base64SourceSchema, otherSource]) })
  .loose();
const toolResultContent = z.union([z.string(), z.array(z.union([textBlock, imageBlock]))]);

export const contentBlockSchemas = {
  text: textBlock,
  image: imageBlock,
  tool_use: z
    .object({
      type: z.literal('tool_use'),
      id: z.string().min(1),
      name: z.string().min(1),
      input: z.record(z.string(), z.unknown()),
    })
    .loose(),
  tool_result: z
    .object({
      type: z.literal('tool_result'),
      tool_use_id: z.string().min(1),
      content: toolResultContent.optional(),
      is_error: z.boolean().optional(),
    })
    .loose(),
  thinking: z.object({ type: z.literal('thinking'), thinking: z.string() }).loose(),
  redacted_thinking: z.object({ type: z.literal('redacted_thinking') }).loose(),
};
export type AnthropicBlock = {
  [K in keyof typeof contentBlockSchemas]: z.infer<(typeof contentBlockSchemas)[K]>;
}[keyof typeof contentBlockSchemas];

const blocksOrText = z.union([z.string(), z.array(z.object({ type: z.string() }).loose())]);

const messageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: blocksOrText }),
  z.object({ role: z.literal('assistant'), content: blocksOrText }),
  // A system message in the conversation: instructions from that point on (Claude Code sends
  // them). `clear_at: next_user_message` shows it only until the next user turn.
  z.object({
    role: z.literal('system'),
    content: blocksOrText,
    clear_at: z.enum(['next_user_message', 'never']).nullish(),
  }),
]);
export type AnthropicMessage = z.infer<typeof messageSchema>;

const ANTHROPIC_EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export type AnthropicEffort = (typeof ANTHROPIC_EFFORTS)[number];

/** A custom tool: one the client runs, described by its input's JSON Schema. */
export const anthropicToolSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()),
  })
  .loose();

const TEMPERATURE_RANGE = 'temperature must be between 0 and 1';

export const anthropicBodySchema = z.object({
  model: z.unknown(),
  messages: z.array(messageSchema).min(1, 'messages must hold at least one message'),
  max_tokens: z.number().int().positive('max_tokens must be at least 1'),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  stop_sequences: z.array(z.string()).optional(),
  // Anthropic's range; the canonical one (to 5) is wider, and a client of this API expects 0..1.
  temperature: z.number().min(0, TEMPERATURE_RANGE).max(1, TEMPERATURE_RANGE).optional(),
  top_p: z.number().optional(),
  top_k: z.number().int().optional(),
  stream: z.boolean().optional(),
  tools: z.array(z.object({ type: z.string().optional() }).loose()).optional(),
  tool_choice: z
    .discriminatedUnion('type', [
      z
        .object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() })
        .loose(),
      z
        .object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() })
        .loose(),
      z.object({ type: z.literal('none') }).loose(),
      z
        .object({
          type: z.literal('tool'),
          name: z.string().min(1),
          disable_parallel_tool_use: z.boolean().optional(),
        })
        .loose(),
    ])
    .optional(),
  thinking: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('enabled'), budget_tokens: z.number().int().positive() }),
      z.object({ type: z.literal('disabled') }),
      z.object({ type: z.literal('adaptive') }).loose(),
    ])
    .optional(),
  output_config: z
    .object({
      effort: z.enum(ANTHROPIC_EFFORTS).nullish(),
      format: z
        .object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) })
        .nullish(),
    })
    .optional(),
  metadata: z.object({ user_id: z.string().nullish() }).loose().optional(),
  // Anthropic's own services; refused by name by the translator.
  mcp_servers: z.unknown().optional(),
  container: z.unknown().optional(),
});
export type AnthropicBody = z.infer<typeof anthropicBodySchema>;
