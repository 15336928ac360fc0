import { z } from 'zod';
import { generationFields, requestMetaFields } from './request-common.js';

/** The canonical text completion request, sent to `<prefix>.v1.complete.<model>`. */
export const completionRequestSchema = z.object({
  ...requestMetaFields,
  prompt: z.string(),
  /** Text after the insertion point, for fill-in-the-middle models. */
  suffix: z.string().optional(),
  ...generationFields,
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;
