import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import {
  BackendResponseError,
  backendMessageOf,
  codeForStatus,
  credentialsRefused,
  isContextLengthMessage,
  networkError,
  translateHttpStatusError,
} from './backend-errors.js';

function systemError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('codeForStatus', () => {
  it('maps each status the catalogue knows, and the rest by class', () => {
    const table: [number, string][] = [
      [400, 'bad_request'],
      [401, 'unauthorized'],
      [403, 'forbidden'],
      [404, 'not_found'],
      [408, 'timeout'],
      [413, 'payload_too_large'],
      [415, 'bad_request'],
      [422, 'bad_request'],
      [429, 'rate_limited'],
      [499, 'cancelled'],
      [500, 'backend_error'],
      [502, 'backend_error'],
      [503, 'overloaded'],
      [504, 'backend_error'],
    ];
    expect(table.map(([status]) => [status, codeForStatus(status)])).toEqual(table);
  });
});

describe('credentialsRefused', () => {
  it("names the worker's key as what to fix, keeps the backend's words, and is retryable", () => {
    const error = credentialsRefused(
      { status: 403, body: { error: 'key revoked' }, text: '{"error":"key revoked"}' },
      { backend_type: 'auth' },
    );
    expect(error).toMatchObject({
      code: 'backend_unavailable',
      retryable: true,
      message:
        "the backend refused the worker's credentials (HTTP 403: key revoked); check backends[].api_key",
      details: { backend_status: 403, backend_message: 'key revoked', backend_type: 'auth' },
    });
    expect(error.cause).toBeInstanceOf(BackendResponseError);
  });
});

describe('backendMessageOf', () => {
  it('finds the message in every shape backends use', () => {
    const of = (body: unknown, text = '') => backendMessageOf({ status: 400, body, text });
    expect(of({ error: { message: 'envelope', type: 'x' } })).toBe('envelope');
    expect(of({ object: 'error', message: 'flat', type: 'BadRequestError' })).toBe('flat');
    expect(of({ error: 'plain' })).toBe('plain');
    expect(of(undefined, '404 page not found')).toBe('404 page not found');
    expect(of(undefined, '')).toBe('HTTP 400');
  });
});

describe('translateHttpStatusError', () => {
  it("keeps the backend's status and message in details and cause, and reads Retry-After", () => {
    const error = translateHttpStatusError({
      status: 429,
      body: { error: 'slow down' },
      text: '{"error":"slow down"}',
      headers: { 'retry-after': '2' },
    });
    expect(error.code).toBe('rate_limited');
    expect(error.message).toBe('slow down');
    expect(error.details).toEqual({
      backend_status: 429,
      backend_message: 'slow down',
      retry_after_ms: 2000,
    });
    expect(error.cause).toBeInstanceOf(BackendResponseError);
    expect((error.cause as BackendResponseError).status).toBe(429);
  });

  it('recognises context-length wording on client errors', () => {
    const error = translateHttpStatusError({
      status: 400,
      body: {
        error: {
          message:
            "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
        },
      },
      text: '',
    });
    expect(error.code).toBe('context_length_exceeded');
  });
});

describe('isContextLengthMessage', () => {
  it('matches the wording of Ollama, vLLM and llama.cpp, and nothing else', () => {
    expect(isContextLengthMessage('the input length exceeds the context length')).toBe(true);
    expect(isContextLengthMessage("This model's maximum context length is 4096 tokens.")).toBe(
      true,
    );
    expect(
      isContextLengthMessage(
        'Trying to keep the first 5000 tokens when context the overflows. However, the model is loaded with context length of only 4096 tokens',
      ),
    ).toBe(true);
    expect(isContextLengthMessage("model 'x' not found")).toBe(false);
    expect(isContextLengthMessage('server busy, please try again.')).toBe(false);
  });
});

describe('networkError', () => {
  it('maps connection failures to backend_unavailable and broken answers to backend_error', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']) {
      expect(networkError(systemError(code)).code).toBe('backend_unavailable');
    }
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_BODY_TIMEOUT', 'EPIPE']) {
      const error = networkError(systemError(code));
      expect(error.code).toBe('backend_error');
      expect(error.retryable).toBe(true);
      expect(error.details).toEqual({ network_code: code });
    }
    expect(networkError(systemError('UND_ERR_HEADERS_TIMEOUT')).code).toBe('timeout');
  });

  it('finds the code inside the AggregateError of a dual-stack connect', () => {
    const aggregate = new AggregateError([systemError('ECONNREFUSED')], 'connect failed');
    expect(networkError(aggregate).code).toBe('backend_unavailable');
  });

  it("reports our own abort as cancelled, or as the signal's reason when that is catalogued", () => {
    const controller = new AbortController();
    controller.abort(new Error('client left'));
    const cancelled = networkError(systemError('ECONNRESET'), controller.signal);
    expect(cancelled.code).toBe('cancelled');
    expect(cancelled.retryable).toBe(false);

    const deadline = new AbortController();
    const timeout = new SwitchyardError('timeout', 'deadline passed');
    deadline.abort(timeout);
    expect(networkError(new Error('aborted'), deadline.signal)).toBe(timeout);
  });

  it('reports the expiry of AbortSignal.timeout as timeout', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const error = networkError(new Error('aborted'), signal);
    expect(error.code).toBe('timeout');
    expect(error.retryable).toBe(true);
  });
});
