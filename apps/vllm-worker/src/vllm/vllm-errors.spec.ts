import { describe, expect, it } from '@jest/globals';
import { translateVllmError } from './vllm-errors.js';

function translate(status: number, body: unknown) {
  return translateVllmError({ status, body, text: JSON.stringify(body) });
}

const envelope = (message: string, type: string, code: number, param: string | null = null) => ({
  error: { message, type, param, code },
});
const flat = (message: string, type: string, code: number) => ({
  object: 'error',
  message,
  type,
  param: null,
  code,
});

const CONTEXT =
  "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.";

describe('translateVllmError', () => {
  it('gives the context’s and the prompt’s tokens of an overflow, in either wording', () => {
    expect(translate(400, envelope(CONTEXT, 'BadRequestError', 400)).details).toMatchObject({
      context_length: 4096,
      prompt_tokens: 4000,
    });
    const newer =
      "'max_tokens' or 'max_completion_tokens' is too large: 32000. This model's maximum context length is 4096 tokens and your request has 2776 input tokens (32000 > 4096 - 2776).";
    expect(translate(400, envelope(newer, 'BadRequestError', 400)).details).toMatchObject({
      context_length: 4096,
      prompt_tokens: 2776,
    });
    const bare = translate(
      400,
      envelope("This model's maximum context length is 4096 tokens.", 'BadRequestError', 400),
    );
    expect([bare.code, bare.details?.['context_length'], bare.details?.['prompt_tokens']]).toEqual([
      'context_length_exceeded',
      4096,
      undefined,
    ]);
  });

  it('translates every documented error in the ≥ 0.10.1 envelope and the older flat body (section 3.6)', () => {
    const cases: [number, string, string, string][] = [
      [404, 'The model `foo` does not exist.', 'NotFoundError', 'model_not_found'],
      [400, '1 validation error: messages field required', 'Bad Request', 'bad_request'],
      [400, CONTEXT, 'BadRequestError', 'context_length_exceeded'],
      [
        415,
        "Unsupported Media Type: Only 'application/json' is allowed",
        'Unsupported Media Type',
        'bad_request',
      ],
      [500, 'engine generate error', 'InternalServerError', 'backend_error'],
      [
        400,
        '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
        'BadRequestError',
        'unsupported',
      ],
      [400, 'The model does not support Embeddings API', 'BadRequestError', 'unsupported'],
      [
        400,
        'Qwen/Qwen2.5-0.5B-Instruct is not a multimodal model',
        'BadRequestError',
        'unsupported',
      ],
      [404, "The lora adapter 'sql' cannot be found.", 'NotFoundError', 'not_found'],
    ];
    for (const [status, message, type, code] of cases) {
      expect([message, translate(status, envelope(message, type, status)).code]).toEqual([
        message,
        code,
      ]);
      expect([message, translate(status, flat(message, type, status)).code]).toEqual([
        message,
        code,
      ]);
    }
  });

  it('keeps the message, type, code and param in details', () => {
    const error = translate(400, envelope(CONTEXT, 'BadRequestError', 400, 'max_tokens'));
    expect(error.message).toBe(CONTEXT);
    expect(error.details).toEqual({
      backend_status: 400,
      backend_message: CONTEXT,
      backend_type: 'BadRequestError',
      backend_code: 400,
      param: 'max_tokens',
      context_length: 4096,
      prompt_tokens: 4000,
    });
  });

  it("reads the plain-string 401 as the worker's key refused, and an empty 503 from a dead engine", () => {
    // The client's key is the gateway's business: vLLM refused the worker's backends[].api_key.
    const refused = translate(401, { error: 'Unauthorized' });
    expect(refused).toMatchObject({
      code: 'backend_unavailable',
      retryable: true,
      details: { backend_status: 401, backend_message: 'Unauthorized' },
    });
    expect(refused.message).toMatch(/Unauthorized.*check backends\[\]\.api_key/);
    const dead = translateVllmError({ status: 503, body: undefined, text: '' });
    expect(dead.code).toBe('backend_unavailable');
    expect(dead.message).toBe('HTTP 503');
  });

  it('takes the status of an error inside a stream from its code', () => {
    expect(translate(200, envelope('bad logits processor', 'BadRequestError', 400)).code).toBe(
      'bad_request',
    );
    expect(translate(200, { error: flat('engine died', 'InternalServerError', 500) }).code).toBe(
      'backend_error',
    );
  });
});
