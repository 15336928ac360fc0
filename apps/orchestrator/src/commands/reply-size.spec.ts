import { describe, expect, it } from '@jest/globals';
import { SwitchyardError, encodeMessage, type LogLine } from '@switchyard/contracts';
import { fitLogs } from './reply-size.js';

const AT = '2025-01-01T00:00:00.000Z';
const lines: LogLine[] = Array.from({ length: 24 }, (_, i) => ({
  stream: i % 2 === 0 ? 'stdout' : 'stderr',
  line: `line ${i} ${'é'.repeat(i % 17)}`, // multi-byte, so bytes and characters differ
  at: AT,
}));

describe('fitLogs', () => {
  it('returns every line, without omitted_lines, when the answer fits', () => {
    const whole = encodeMessage({ backend: 'b', lines }).length;
    expect(fitLogs('b', lines, whole)).toEqual({ backend: 'b', lines });
  });

  it('keeps as many of the newest lines as fit, for every limit', () => {
    const whole = encodeMessage({ backend: 'b', lines }).length;
    const smallest = encodeMessage({ backend: 'b', lines: lines.slice(-1), omitted_lines: 23 });
    for (let max = smallest.length; max < whole; max++) {
      const fitted = fitLogs('b', lines, max);
      expect(encodeMessage(fitted).length).toBeLessThanOrEqual(max);
      const kept = fitted.lines.length;
      expect(fitted.omitted_lines).toBe(lines.length - kept);
      expect(fitted.lines).toEqual(lines.slice(-kept));
      // One more line would not have fitted, give or take the bytes the estimate keeps in hand
      // (the count's digits are sized for every line being left out).
      const more = { backend: 'b', lines: lines.slice(-kept - 1), omitted_lines: 23 - kept };
      expect(encodeMessage(more).length).toBeGreaterThan(max - 3);
    }
  });

  it('is payload_too_large when not even the newest line fits', () => {
    const failure = (() => {
      try {
        return fitLogs('b', lines, 60);
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(SwitchyardError);
    expect(failure).toMatchObject({ code: 'payload_too_large' });
    expect((failure as Error).message).toContain('max_payload (60 bytes)');
  });
});
