import { z } from 'zod';
import { requestIdSchema } from './request-common.js';

/**
 * Published to `<prefix>.v1.resend.<request-id>` by a caller whose reply stream lost frames: its
 * own connection to NATS dropped for a moment, and core NATS keeps nothing for a subscription
 * that is not there. The worker sends the stream's frames from `from` again, as they were, or a
 * heartbeat when none is missing, so the caller hears at once that the stream lives.
 */
export const resendMessageSchema = z.object({
  request_id: requestIdSchema,
  /** The stream's reply subject: a retried request has more than one stream under its id. */
  reply_to: z.string().min(1).max(512),
  /** The first frame (`seq`) the caller is missing. */
  from: z.number().int().nonnegative(),
});
export type ResendMessage = z.infer<typeof resendMessageSchema>;
