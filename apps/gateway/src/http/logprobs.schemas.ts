import { MAX_TOP_LOGPROBS } from '@switchyard/contracts';
import { z } from 'zod';

const TOP_LOGPROBS_RANGE = `top_logprobs must be between 0 and ${MAX_TOP_LOGPROBS}`;

/**
 * `top_logprobs` as OpenAI's chat API and Ollama's both take it: how many alternatives per
 * position, 0 to 20, refused in Ollama's words (which name the field) when out of range.
 */
export const topLogprobsSchema = z
  .number()
  .int()
  .min(0, TOP_LOGPROBS_RANGE)
  .max(MAX_TOP_LOGPROBS, TOP_LOGPROBS_RANGE)
  .nullish();
