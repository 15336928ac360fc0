import { z } from 'zod';
import { requestIdSchema } from './request-common.js';

/** Published to `<prefix>.v1.cancel.<request-id>` when the caller gives up on a request. */
export const cancelMessageSchema = z.object({
  request_id: requestIdSchema,
  reason: z.string().max(1024).optional(),
});
export type CancelMessage = z.infer<typeof cancelMessageSchema>;
