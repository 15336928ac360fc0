import type { GenerationEvent } from '../../backend-adapter.js';
import {
  OpenAiStreamTranslator,
  type OpenAiStreamTranslatorOptions,
} from './openai-stream.translator.js';
import type { OpenAiAnswer, OpenAiStreamChunk } from './openai-wire.types.js';

/**
 * A non-streamed OpenAI-style answer (`stream: false`) as generation events: what the stream
 * would have carried, joined (reasoning, text, each tool call whole), then the end.
 *
 * The message is read as one delta by the stream translator, so finish reasons, usage and the
 * rule for a missing finish reason are the stream's own. Timings are measured (`source: worker`):
 * the first output is seen with the last, so the time to first token is the whole answer's.
 */
export function openAiAnswerEvents(
  raw: unknown,
  options: OpenAiStreamTranslatorOptions,
): GenerationEvent[] {
  const answer = (raw ?? {}) as OpenAiAnswer;
  const choices = Array.isArray(answer.choices) ? answer.choices : [];
  const chunk: OpenAiStreamChunk = Object.assign(
    {},
    answer.model === undefined ? {} : { model: answer.model },
    answer.usage === undefined ? {} : { usage: answer.usage },
    {
      choices: choices.map(({ message, ...choice }) =>
        message === undefined ? choice : Object.assign({}, choice, { delta: message }),
      ),
    },
  );
  const translator = new OpenAiStreamTranslator(options);
  const deltas: GenerationEvent[] = translator.push(chunk);
  return [...deltas, translator.end()];
}
