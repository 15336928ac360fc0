import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { collect } from './sdk.js';

/** The official `openai` client on a simulator's /v1; no retries, so an error shows at once. */
export function openAiClient(sim: { readonly url: string }, apiKey: string): OpenAI {
  return new OpenAI({ baseURL: `${sim.url}/v1`, apiKey, maxRetries: 0 });
}

/** Streams a chat that asks for the usage chunk (`stream_options.include_usage`), drained. */
export async function streamChatAskingUsage(
  client: OpenAI,
  model: string,
  messages: ChatCompletionMessageParam[],
): Promise<ChatCompletionChunk[]> {
  return collect(
    await client.chat.completions.create({
      model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    }),
  );
}
