import { describe, expect, it } from '@jest/globals';
import { openAiErrorDetails, openAiErrorInfo } from './openai-errors.js';

describe('openAiErrorInfo', () => {
  it('reads the envelope, the flat vLLM shape and the plain string', () => {
    const envelope = {
      error: {
        message: 'Model "x" not found. Please specify a valid model.',
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      },
    };
    expect(openAiErrorInfo({ status: 404, body: envelope, text: '' })).toEqual({
      message: 'Model "x" not found. Please specify a valid model.',
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
    });
    const flat = {
      object: 'error',
      message: 'The model `foo` does not exist.',
      type: 'NotFoundError',
      param: null,
      code: 404,
    };
    expect(openAiErrorInfo({ status: 404, body: flat, text: '' })).toEqual({
      message: 'The model `foo` does not exist.',
      type: 'NotFoundError',
      code: 404,
      param: undefined,
    });
    expect(openAiErrorInfo({ status: 401, body: { error: 'Unauthorized' }, text: '' })).toEqual({
      message: 'Unauthorized',
      type: undefined,
      code: undefined,
      param: undefined,
    });
  });

  it('keeps only the fields that were present in details', () => {
    expect(
      openAiErrorDetails({ message: 'm', type: 'BadRequestError', code: 400, param: undefined }),
    ).toEqual({ backend_type: 'BadRequestError', backend_code: 400 });
  });
});
