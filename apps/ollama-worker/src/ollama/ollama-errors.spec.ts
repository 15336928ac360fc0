import { describe, expect, it } from '@jest/globals';
import { translateOllamaError } from './ollama-errors.js';

function translate(status: number, error: string) {
  const body = { error };
  return translateOllamaError({ status, body, text: JSON.stringify(body) });
}

describe('translateOllamaError', () => {
  it('translates every documented error of the native API (reference section 1.7)', () => {
    const table: [number, string, string][] = [
      [404, "model 'llama9' not found", 'model_not_found'],
      [404, 'model "llama9" not found, try pulling it first', 'model_not_found'],
      [404, 'model "llama9" not found', 'model_not_found'],
      [404, 'blob "sha256:abc" not found', 'not_found'],
      [400, 'model is required', 'bad_request'],
      [400, '"gemma3" does not support thinking', 'unsupported'],
      [400, 'registry.ollama.ai/library/gemma3:latest does not support tools', 'unsupported'],
      [400, '"all-minilm" does not support generate', 'unsupported'],
      [500, 'option "num_ctx" must be of type integer', 'bad_request'],
      [500, 'this model is missing data required for image input', 'unsupported'],
      [
        400,
        'invalid think value: "x" (must be "high", "medium", "low", "max", true, or false)',
        'bad_request',
      ],
      [503, 'server busy, please try again.  maximum pending requests exceeded', 'overloaded'],
      [499, 'request canceled', 'cancelled'],
      [
        500,
        'model requires more system memory (9.0 GiB) than is available (4.0 GiB)',
        'backend_error',
      ],
      [403, 'cloud models are disabled', 'forbidden'],
      [429, 'too many requests', 'rate_limited'],
      [502, 'cloud unreachable', 'backend_error'],
      [400, 'the input length exceeds the context length', 'context_length_exceeded'],
      [200, 'pull model manifest: file does not exist', 'model_not_found'],
      [200, 'an error was encountered while running the model', 'backend_error'],
    ];
    expect(
      table.map(([status, message]) => [status, message, translate(status, message).code]),
    ).toEqual(table);
  });

  it("keeps Ollama's words and status, and marks busy as retryable", () => {
    const busy = translate(
      503,
      'server busy, please try again.  maximum pending requests exceeded',
    );
    expect(busy.retryable).toBe(true);
    expect(busy.message).toBe('server busy, please try again.  maximum pending requests exceeded');
    expect(busy.details).toEqual({
      backend_status: 503,
      backend_message: 'server busy, please try again.  maximum pending requests exceeded',
    });
  });

  it("reads gin's plain-text 404 and 405 as a route this Ollama does not have", () => {
    for (const [status, text] of [
      [404, '404 page not found'],
      [405, '405 method not allowed'],
    ] as const) {
      expect(translateOllamaError({ status, body: undefined, text }).code).toBe('unsupported');
    }
  });
});
