import { SwitchyardError, type CompletionRequest } from '@switchyard/contracts';
import type { GenerationEvent } from './backend-adapter.js';
import { textPrompt } from './text-prompt.js';

/**
 * `echo` for a server that does not echo a completion's prompt itself (Ollama, LM Studio, and
 * any completion sent as a chat): the prompt becomes the answer's first text. Such a server
 * cannot say how likely the prompt's tokens were, so `echo` with `logprobs` is refused as
 * `unsupported` (a router may try a kind that can, vLLM), before the server is asked.
 *
 * The prompt goes out just before the server's first output (or its end), not at once: until
 * the server has answered, a failure can still be retried elsewhere, which stops being true
 * once a caller has seen text.
 */
export function echoingPrompt(
  request: CompletionRequest,
  server: string,
  generate: () => AsyncIterable<GenerationEvent>,
): AsyncIterable<GenerationEvent> {
  if (request.echo !== true) return generate();
  if (request.logprobs !== undefined) {
    throw new SwitchyardError(
      'unsupported',
      `${server} cannot give the log-probabilities of an echoed prompt`,
      { details: { param: 'echo' } },
    );
  }
  return withPromptFirst(textPrompt(request, server), generate());
}

async function* withPromptFirst(
  prompt: string,
  events: AsyncIterable<GenerationEvent>,
): AsyncGenerator<GenerationEvent> {
  let echoed = false;
  for await (const event of events) {
    if (!echoed && event.type !== 'loading') {
      echoed = true;
      if (prompt !== '') yield { type: 'delta', text: prompt };
    }
    yield event;
  }
}
