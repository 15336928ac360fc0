/**
 * The seed an answer is planned with: the request's own where it gives one (Ollama's
 * `options.seed`, the OpenAI-style APIs' `seed`), since real servers answer a seeded request
 * the same way each time and differently for another seed; else the simulator's `--seed`.
 */
export function answerSeed(requested: unknown, simSeed: number): number {
  return typeof requested === 'number' && Number.isSafeInteger(requested) ? requested : simSeed;
}

/** Ollama's seed, inside `options`. */
export function optionsSeed(options: unknown, simSeed: number): number {
  const seed =
    typeof options === 'object' && options !== null
      ? (options as Record<string, unknown>)['seed']
      : undefined;
  return answerSeed(seed, simSeed);
}
