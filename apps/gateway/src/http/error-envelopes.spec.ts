import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import {
  fromHttpFrameworkError,
  renderAnthropicError,
  renderOllamaError,
  renderOpenAIError,
} from './error-envelopes.js';

describe('error envelopes', () => {
  it('render OpenAI errors with the catalogue status, type and code', () => {
    const notFound = new SwitchyardError('model_not_found', 'no such model', {
      details: { param: 'model' },
    });
    expect(renderOpenAIError(notFound)).toEqual({
      status: 404,
      headers: {},
      body: {
        error: {
          message: 'no such model',
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        },
      },
    });
    expect(renderOpenAIError(new SwitchyardError('timeout', 'slow')).status).toBe(504);
    expect(renderOpenAIError(new SwitchyardError('unauthorized', 'who')).body).toMatchObject({
      error: { type: 'authentication_error' },
    });
  });

  it('word a context overflow for Anthropic’s clients as Anthropic does, which Claude Code acts on', () => {
    const vllm = "This model's maximum context length is 4096 tokens. However, …";
    const counted = new SwitchyardError('context_length_exceeded', vllm, {
      details: { context_length: 4096, prompt_tokens: 5000 },
    });
    expect(renderAnthropicError(counted, 'req_1')).toEqual({
      status: 400,
      headers: {},
      body: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: `prompt is too long: 5000 tokens > 4096 maximum (${vllm})`,
        },
        request_id: 'req_1',
      },
    });
    const ollama = 'the input length exceeds the context length';
    const uncounted = new SwitchyardError('context_length_exceeded', ollama);
    expect(renderAnthropicError(uncounted, 'req_2').body).toMatchObject({
      error: { message: `prompt is too long (${ollama})` },
    });
    // Other APIs' clients get the backend's words.
    expect(renderOpenAIError(counted).body).toMatchObject({ error: { message: vllm } });
  });

  it('give Anthropic’s clients an overload as Anthropic does: 529 overloaded_error', () => {
    const busy = new SwitchyardError('overloaded', 'every slot is taken');
    expect(renderAnthropicError(busy, 'req_3')).toEqual({
      status: 529,
      headers: { 'retry-after': '1' },
      body: {
        type: 'error',
        error: { type: 'overloaded_error', message: 'every slot is taken' },
        request_id: 'req_3',
      },
    });
    expect(renderOpenAIError(busy).status).toBe(503);
  });

  it('add Retry-After to a 429 or 503 worth retrying, from the hint when there is one', () => {
    const limited = new SwitchyardError('rate_limited', 'slow down', {
      details: { retry_after_ms: 2_500 },
    });
    expect(renderOpenAIError(limited)).toMatchObject({
      status: 429,
      headers: { 'retry-after': '3' },
    });
    expect(renderOllamaError(new SwitchyardError('overloaded', 'busy'))).toEqual({
      status: 503,
      headers: { 'retry-after': '1' },
      body: { error: 'busy' },
    });
    // A backend that crashed past its limit stays down until someone starts it: no time to wait.
    const failed = new SwitchyardError('start_failed', 'backend b exited 6 times');
    expect(renderOpenAIError(failed)).toMatchObject({ status: 503, headers: {} });
    // A retryable flag set against the catalogue counts: the error's own, not its code's.
    const gone = new SwitchyardError('backend_unavailable', 'down', { retryable: false });
    expect(renderOpenAIError(gone).headers).toEqual({});
  });

  it('map framework errors by status and never leak a 5xx for a client mistake', () => {
    const tooBig = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(fromHttpFrameworkError(tooBig).code).toBe('payload_too_large');
    const media = Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 });
    expect(fromHttpFrameworkError(media).code).toBe('bad_request');
    expect(fromHttpFrameworkError(new Error('bug')).code).toBe('internal');
  });
});
