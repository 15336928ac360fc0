import { z } from 'zod';
import { imagePartSchema, REASONING_EFFORTS, responseFormatSchema } from './chat-request.js';
import { generationFields, requestMetaFields, tokenIdsSchema } from './request-common.js';

/** The canonical text completion request, sent to `<prefix>.v1.complete.<model>`. */
export const completionRequestSchema = z.object({
  ...requestMetaFields,
  /**
   * The text, or the model's token ids: what a client that tokenized with the model's own
   * tokenizer sends (evaluation harnesses do). Only vLLM takes ids; the other kinds refuse them
   * as `unsupported` naming `prompt`.
   */
  prompt: z.union([z.string(), tokenIdsSchema]),
  /** Text after the insertion point, for fill-in-the-middle models. */
  suffix: z.string().optional(),
  /**
   * Images the prompt is about, for a vision model (Ollama's generate `images`). vLLM and LM
   * Studio take images in chats only, so there the completion goes as a chat whose user message
   * holds the prompt and the images.
   */
  images: z.array(imagePartSchema).min(1).max(256).optional(),
  /**
   * Instructions for a chat-tuned model: the worker applies the model's chat template with this
   * system prompt around the prompt (Ollama's generate `system`). Servers that template only
   * chats (vLLM, LM Studio) get a chat of this system message and the prompt as the user's.
   */
  system: z.string().optional(),
  /**
   * Structured output, as for chat: the answer is a JSON object, or a value of the schema. vLLM
   * and LM Studio constrain only chats, so there the completion goes as a chat too.
   */
  response_format: responseFormatSchema.optional(),
  /**
   * Ask a reasoning model to think (and how hard); `none` switches thinking off (Ollama's
   * generate `think`). vLLM and LM Studio think, and report the reasoning apart, on chats only,
   * so there a completion that asks to think goes as a chat too.
   */
  reasoning_effort: z.enum(REASONING_EFFORTS).optional(),
  /**
   * The prompt must reach the model as it is, with no template (Ollama's generate `raw`). The
   * completions of vLLM and LM Studio are untemplated anyway; there a raw completion that asks
   * for what those servers do only on chats is refused, since the chat would be templated.
   */
  raw: z.boolean().optional(),
  /**
   * The answer starts with the prompt: the first text delta holds it, and with `logprobs` its
   * tokens' entries, the first one's `logprob` null (what evaluation harnesses score prompts
   * with). vLLM gives prompt log-probabilities; the other kinds echo only the text and refuse
   * `echo` with `logprobs` as `unsupported`.
   */
  echo: z.boolean().optional(),
  ...generationFields,
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;
