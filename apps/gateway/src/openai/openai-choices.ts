import type { EndFrame, Usage } from '@switchyard/contracts';
import { usageOf } from './openai-chunks.translator.js';

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
  /** A legacy completion's prompts, when it sent a list; each takes the canonical `prompt`. */
  prompts?: readonly string[];
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
    Array.from({ length: n }, (_, sample) => ({
      ...body,
      ...(prompt === undefined ? {} : { prompt }),
      ...(typeof seed === 'number' && sample > 0 ? { seed: seed + sample } : {}),
    })),
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
  const choices = answers.map((answer, index) => ({
    ...(answer['choices'] as Record<string, unknown>[])[0],
    index,
  }));
  return { ...answers[0], choices, usage: usageOf({ usage }) };
}
