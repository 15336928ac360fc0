import {
  SwitchyardError,
  type CompletionRequest,
  type EmbeddingRequest,
} from '@switchyard/contracts';

/**
 * A completion's prompt as text, for a server (or a route) that takes no token ids: ids are the
 * model's own tokenizer's, which only vLLM reads, so they are refused as `unsupported` naming
 * `prompt` (a router may try vLLM) rather than guessed at.
 */
export function textPrompt(request: Pick<CompletionRequest, 'prompt'>, server: string): string {
  if (typeof request.prompt === 'string') return request.prompt;
  throw new SwitchyardError('unsupported', `${server} takes a prompt as text, not token ids`, {
    details: { param: 'prompt' },
  });
}

/** An embedding request's inputs as texts, refusing token ids as {@link textPrompt} does. */
export function textInputs(request: Pick<EmbeddingRequest, 'input'>, server: string): string[] {
  return request.input.map((input) => {
    if (typeof input === 'string') return input;
    throw new SwitchyardError('unsupported', `${server} takes inputs as text, not token ids`, {
      details: { param: 'input' },
    });
  });
}
