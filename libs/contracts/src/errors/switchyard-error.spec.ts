import { describe, expect, it } from '@jest/globals';
import { ERROR_CATALOGUE, ERROR_CODES } from './error-catalogue.js';
import { SwitchyardError, wireErrorSchema } from './switchyard-error.js';

describe('SwitchyardError', () => {
  it('takes its retryable flag and HTTP status from the catalogue', () => {
    for (const code of ERROR_CODES) {
      const error = new SwitchyardError(code, 'x');
      expect(error.retryable).toBe(ERROR_CATALOGUE[code].retryable);
      expect(error.httpStatus).toBe(ERROR_CATALOGUE[code].httpStatus);
    }
    expect(new SwitchyardError('overloaded', 'busy', { retryable: false }).retryable).toBe(false);
  });

  it('crosses the wire and comes back as the same class with its cause chain', () => {
    const root = new TypeError('socket hang up');
    const middle = new SwitchyardError('backend_unavailable', 'connect ECONNREFUSED', {
      cause: root,
    });
    const error = new SwitchyardError('overloaded', 'every slot is taken', {
      details: { retry_after_ms: 250 },
      cause: middle,
    });

    const wire = wireErrorSchema.parse(JSON.parse(JSON.stringify(error.toWire())));
    const back = SwitchyardError.fromWire(wire);

    expect(back).toBeInstanceOf(SwitchyardError);
    expect(back.code).toBe('overloaded');
    expect(back.message).toBe('every slot is taken');
    expect(back.retryable).toBe(true);
    expect(back.details).toEqual({ retry_after_ms: 250 });
    expect(back.cause).toBeInstanceOf(SwitchyardError);
    const cause = back.cause as SwitchyardError;
    expect(cause.code).toBe('backend_unavailable');
    expect(cause.message).toBe('connect ECONNREFUSED');
    expect(cause.cause).toBeInstanceOf(Error);
    expect((cause.cause as Error).name).toBe('TypeError');
    expect((cause.cause as Error).message).toBe('socket hang up');
  });

  it('cuts cause chains at a bounded depth', () => {
    let error: Error = new Error('root');
    for (let i = 0; i < 20; i++) error = new Error(`level ${i}`, { cause: error });
    let depth = 0;
    for (
      let cause = new SwitchyardError('internal', 'top', { cause: error }).toWire().cause;
      cause;
      cause = cause.cause
    )
      depth++;
    expect(depth).toBe(4);
  });

  it('wraps unknown throwables, keeping the original as the cause', () => {
    const original = new RangeError('boom');
    const wrapped = SwitchyardError.from(original, 'backend_error');
    expect(wrapped.code).toBe('backend_error');
    expect(wrapped.cause).toBe(original);
    expect(SwitchyardError.from(wrapped)).toBe(wrapped);
    expect(SwitchyardError.from('text').message).toBe('text');
  });
});
