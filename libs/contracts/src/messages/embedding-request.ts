import { z } from 'zod';
import { requestMetaFields, tokenIdsSchema } from './request-common.js';

export const MAX_EMBEDDING_INPUTS = 2048;

/** The canonical embedding request, sent to `<prefix>.v1.embed.<model>`. */
export const embeddingRequestSchema = z.object({
  ...requestMetaFields,
  /** Texts, each as a string or as the model's token ids (vLLM only, as for completions). */
  input: z
    .array(z.union([z.string().min(1, 'input strings must not be empty'), tokenIdsSchema]))
    .min(1, 'input must hold at least one string')
    .max(MAX_EMBEDDING_INPUTS, `input holds at most ${MAX_EMBEDDING_INPUTS} strings`),
  /** Cut each vector to this many dimensions where the backend supports it. */
  dimensions: z.number().int().positive().max(65_536).optional(),
  /** Whether the backend may truncate inputs longer than its context (default true). */
  truncate: z.boolean().optional(),
});
export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;
