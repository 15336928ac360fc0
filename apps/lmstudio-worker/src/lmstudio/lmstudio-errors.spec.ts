import { describe, expect, it } from '@jest/globals';
import { translateLmStudioError } from './lmstudio-errors.js';

function translate(status: number, body: unknown) {
  return translateLmStudioError({ status, body, text: JSON.stringify(body) });
}

describe('translateLmStudioError', () => {
  it('reads the 200 answer to an unknown route as unsupported', () => {
    const error = translate(200, {
      error: 'Unexpected endpoint or method. (POST /api/v0/chat/completions)',
    });
    expect(error.code).toBe('unsupported');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Unexpected endpoint or method. (POST /api/v0/chat/completions)');
  });

  it('reads the model-not-found envelope by its code, whatever the message says', () => {
    // The body letta-ai/letta#1876 recorded.
    const error = translate(404, {
      error: {
        message:
          'Model "x" not found. Please specify a valid model.\n\nYour models:\n\tqwen2.5-7b-instruct',
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      },
    });
    expect(error.code).toBe('model_not_found');
    expect(error.details).toMatchObject({
      backend_status: 404,
      backend_type: 'invalid_request_error',
      backend_code: 'model_not_found',
      param: 'model',
    });
    expect(
      translate(400, { error: { message: 'No models loaded.', code: 'model_not_found' } }).code,
    ).toBe('model_not_found');
  });

  it('maps a rejected response format, auth, context overflow and other failures', () => {
    expect(
      translate(400, {
        error: {
          message: "'response_format.type' must be 'json_schema' or 'text'",
          type: 'invalid_request_error',
        },
      }).code,
    ).toBe('bad_request');
    for (const status of [401, 403]) {
      const refused = translate(status, { error: { message: 'Invalid API token' } });
      expect(refused).toMatchObject({ code: 'backend_unavailable', retryable: true });
      expect(refused.message).toBe(
        `the backend refused the worker's credentials (HTTP ${status}: Invalid API token); check backends[].api_key`,
      );
    }
    expect(
      translate(400, {
        error: { message: 'Model does not support images. Please use a model that does.' },
      }).code,
    ).toBe('unsupported');
    expect(
      translate(400, {
        error: {
          message:
            'Trying to keep the first 5000 tokens when context the overflows. However, the model is loaded with context length of only 4096 tokens, which is not enough.',
        },
      }).code,
    ).toBe('context_length_exceeded');
    expect(translate(500, { error: { message: 'Failed to load model' } }).code).toBe(
      'backend_error',
    );
    expect(translate(200, { error: { message: 'generation crashed' } }).code).toBe('backend_error');
  });
});
