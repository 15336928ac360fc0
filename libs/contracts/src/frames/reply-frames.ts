import { z } from 'zod';
import { backendKindSchema } from '../messages/backend-kind.js';
import { wireErrorSchema } from '../errors/switchyard-error.js';
import { pullProgressSchema } from '../orchestrator/orchestrator-messages.js';

/**
 * The frames a worker sends to a request's reply inbox, in order: one `start`, any number of
 * `delta` and `heartbeat`, and exactly one terminal frame, `end` or `error`. `seq` counts every
 * frame from 0 with no gaps, so a receiver can tell a lost frame from a quiet stream.
 */
const seq = z.number().int().nonnegative();

export const startFrameSchema = z.object({
  type: z.literal('start'),
  seq,
  request_id: z.string(),
  /** The worker instance that took the request. */
  worker: z.string(),
  kind: backendKindSchema,
  /** The backend endpoint the worker sends the request to. */
  backend: z.string(),
  /** Publish a cancel message here to stop the request. */
  cancel: z.string(),
});

/** One fragment of a tool call: `id` and `name` come with the first fragment of each `index`. */
export const toolCallDeltaSchema = z.object({
  index: z.number().int().nonnegative(),
  id: z.string().optional(),
  name: z.string().optional(),
  arguments: z.string().optional(),
});
export type ToolCallDelta = z.infer<typeof toolCallDeltaSchema>;

/** One embedding vector: little-endian float32 values, base64-encoded (as OpenAI's `base64`). */
export const embeddingDeltaSchema = z.object({
  index: z.number().int().nonnegative(),
  b64: z.string(),
});

/** One token and its log-probability; `bytes` are its UTF-8 bytes when the backend gives them. */
export const tokenLogprobSchema = z.object({
  token: z.string(),
  logprob: z.number(),
  bytes: z.array(z.number().int().min(0).max(255)).optional(),
});
export type TokenLogprob = z.infer<typeof tokenLogprobSchema>;

/**
 * A token's log-probability, with the most likely tokens at its position if asked: a generated
 * token's, or an echoed prompt token's (see the completion request's `echo`), where the first has
 * none (`null`, no alternatives): nothing comes before it to predict it from.
 */
export const generatedTokenLogprobSchema = tokenLogprobSchema.extend({
  logprob: z.number().nullable(),
  top_logprobs: z.array(tokenLogprobSchema).optional(),
});
export type GeneratedTokenLogprob = z.infer<typeof generatedTokenLogprobSchema>;

export const deltaFrameSchema = z.object({
  type: z.literal('delta'),
  seq,
  text: z.string().optional(),
  reasoning: z.string().optional(),
  /**
   * When the request asked for `logprobs`: one entry per token of `text`, in order (`top_logprobs`
   * holds as many alternatives as asked).
   */
  logprobs: z.array(generatedTokenLogprobSchema).optional(),
  tool_calls: z.array(toolCallDeltaSchema).optional(),
  embedding: embeddingDeltaSchema.optional(),
  /** Management commands: how a pull or a download is going. */
  progress: pullProgressSchema.optional(),
  /**
   * Management commands: the command's answer (a model list, `show` output…), any JSON. It
   * arrived as JSON, so it is JSON; the command's documentation gives its shape.
   */
  result: z.unknown().optional(),
  /**
   * On the first content delta of an inference answer only: the milliseconds from the worker
   * sending the request to the backend to this first output, so a caller can tell its own share
   * of the time to first token while the answer still streams (the end frame's `timings` come
   * too late for that).
   */
  ttft_ms: z.number().nonnegative().optional(),
});

export const HEARTBEAT_PHASES = ['queued', 'loading', 'running'] as const;

/** Sent while nothing else flows, so the caller can tell a slow answer from a dead responder. */
export const heartbeatFrameSchema = z.object({
  type: z.literal('heartbeat'),
  seq,
  phase: z.enum(HEARTBEAT_PHASES).optional(),
});

export const FINISH_REASONS = ['stop', 'length', 'tool_calls', 'content_filter'] as const;
export const finishReasonSchema = z.enum(FINISH_REASONS);
export type FinishReason = z.infer<typeof finishReasonSchema>;

export const usageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

/** Where the numbers came from: the backend's own statistics, or the worker's clock. */
export const timingsSchema = z.object({
  source: z.enum(['backend', 'worker']),
  /** Time to first token, including any model load. */
  ttft_ms: z.number().nonnegative().optional(),
  tokens_per_second: z.number().nonnegative().optional(),
  load_ms: z.number().nonnegative().optional(),
  queue_ms: z.number().nonnegative().optional(),
  /** Time the backend spent on the request, from the worker sending it to the last byte. */
  total_ms: z.number().nonnegative().optional(),
});
export type Timings = z.infer<typeof timingsSchema>;

export const endFrameSchema = z.object({
  type: z.literal('end'),
  seq,
  finish_reason: finishReasonSchema,
  usage: usageSchema,
  timings: timingsSchema.optional(),
  /** The model as the backend named it in its answer (its full name: `llama3.2:latest`). */
  model: z.string().optional(),
  /**
   * The stop sequence that ended the answer (`finish_reason` `stop`), when the backend says which
   * (vLLM does; Ollama and LM Studio do not, and then it is absent).
   */
  stop_sequence: z.string().optional(),
});

export const errorFrameSchema = z.object({
  type: z.literal('error'),
  seq,
  error: wireErrorSchema,
});

export const replyFrameSchema = z.discriminatedUnion('type', [
  startFrameSchema,
  deltaFrameSchema,
  heartbeatFrameSchema,
  endFrameSchema,
  errorFrameSchema,
]);

export type StartFrame = z.infer<typeof startFrameSchema>;
export type DeltaFrame = z.infer<typeof deltaFrameSchema>;
export type HeartbeatFrame = z.infer<typeof heartbeatFrameSchema>;
export type EndFrame = z.infer<typeof endFrameSchema>;
export type ErrorFrame = z.infer<typeof errorFrameSchema>;
export type ReplyFrame = z.infer<typeof replyFrameSchema>;
export type TerminalFrame = EndFrame | ErrorFrame;

/** A frame as a handler produces it, before the server numbers it. */
export type UnnumberedFrame =
  | Omit<StartFrame, 'seq'>
  | Omit<DeltaFrame, 'seq'>
  | Omit<HeartbeatFrame, 'seq'>
  | Omit<EndFrame, 'seq'>
  | Omit<ErrorFrame, 'seq'>;

export function isTerminalFrame(frame: ReplyFrame): frame is TerminalFrame {
  return frame.type === 'end' || frame.type === 'error';
}
