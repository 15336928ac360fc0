import type { EndFrame, Usage } from '@switchyard/contracts';
import { interleaved } from '../routing/interleaved.js';
import type { StreamFrame } from '@switchyard/nats';
import { usageOf, type ChunkTranslator } from './openai-chunks.translator.js';

/**
 * Several answers to one OpenAI request: `n` per prompt, and one per prompt of a legacy
 * completion's prompt list. Not every kind of backend can give them (Ollama gives neither), so
 * the gateway asks for each choice as a request of its own, all at once: the queue groups spread
 * them over the fleet's workers as they would spread that many clients.
 */

/** The most choices one request may ask for (prompts × `n`): each is a generation of its own. */
export const MAX_CHOICES = 64;

/** What a request asks for beyond one answer: `n` samples of each of its prompts. */
export interface ChoiceRequest {
  n: number;
  /** A legacy completion's prompts (text or token ids); each takes the canonical `prompt`. */
  prompts?: readonly (string | number[])[];
}

/**
 * The canonical request of each choice, in OpenAI's order (prompt by prompt, `n` of each). A
 * fixed `seed` is moved on by one per sample after a prompt's first, since samples with one
 * seed would all be the same answer, which is not what a client asking for `n` of them wants.
 */
export function choiceBodies(
  body: Record<string, unknown>,
  choices: ChoiceRequest,
): Record<string, unknown>[] {
  const { n, prompts } = choices;
  if (n === 1 && (prompts === undefined || prompts.length === 1)) return [body];
  const seed = body['seed'];
  return (prompts ?? [undefined]).flatMap((prompt) =>
    Array.from({ length: n }, (_, sample) =>
      Object.assign(
        {},
        body,
        prompt === undefined ? {} : { prompt },
        typeof seed === 'number' && sample > 0 ? { seed: seed + sample } : {},
      ),
    ),
  );
}

/**
 * The usage of a request's choices: each prompt's tokens once (its `n` samples read the same
 * prompt), as OpenAI counts them, and every choice's generated tokens.
 */
export function choicesUsage(ends: readonly EndFrame[], n: number): Usage {
  let prompt = 0;
  let completion = 0;
  ends.forEach((end, choice) => {
    if (choice % n === 0) prompt += end.usage.prompt_tokens;
    completion += end.usage.completion_tokens;
  });
  return { prompt_tokens: prompt, completion_tokens: completion };
}

/** Each choice's whole answer (of one choice, `index` 0) as one answer of all the choices. */
export function joinedAnswer(
  answers: readonly Record<string, unknown>[],
  usage: Usage,
): Record<string, unknown> {
  const choices = answers.map((answer, index) =>
    Object.assign({}, (answer['choices'] as Record<string, unknown>[])[0], { index }),
  );
  return Object.assign({}, answers[0], { choices, usage: usageOf({ usage }) });
}

/**
 * The chunks of several choices as their frames arrive: each choice's opening first, each one's
 * finish as it ends, and the usage of all of them last.
 */
export async function* choiceChunks(
  frames: readonly AsyncIterable<StreamFrame>[],
  chunks: readonly ChunkTranslator[],
  n: number,
): AsyncGenerator<unknown> {
  for (const choice of chunks) if (choice.opening !== undefined) yield choice.opening();
  const ends: EndFrame[] = [];
  for await (const { source, value: frame } of interleaved(frames)) {
    const choice = chunks[source] as ChunkTranslator;
    if (frame.type === 'delta') {
      const chunk = choice.delta(frame);
      if (chunk !== undefined) yield chunk;
    } else if (frame.type === 'end') {
      ends[source] = frame;
      yield choice.finish(frame);
    }
  }
  const usage = chunks[0]?.usage(choicesUsage(ends, n));
  if (usage !== undefined) yield usage;
}

/** The end of the choice the backends spent longest on: the others ran beside it. */
export function longest(ends: readonly EndFrame[]): EndFrame {
  const spent = (end: EndFrame): number => end.timings?.total_ms ?? 0;
  return ends.reduce((slowest, end) => (spent(end) > spent(slowest) ? end : slowest));
}
