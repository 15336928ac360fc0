import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { safeParseForClient, withField } from './issue-messages.js';

/** The first issue's message, as a client reads it. */
function messageFor(schema: z.ZodType, value: unknown): string {
  const result = safeParseForClient(schema, value);
  if (result.success) throw new Error('expected the value to be refused');
  const [issue] = result.error.issues;
  return withField(issue?.path.join('.') || 'value', issue?.message ?? '');
}

describe('issueMessages', () => {
  it('words a number out of its bounds as a sentence about the field', () => {
    const fields = z.object({
      max_tokens: z.number().int().positive(),
      temperature: z.number().min(0).max(2),
      top_p: z.number().lt(1),
    });
    const valid = { max_tokens: 1, temperature: 1, top_p: 0.5 };
    expect(messageFor(fields, { ...valid, max_tokens: 0 })).toBe(
      'max_tokens must be greater than 0',
    );
    expect(messageFor(fields, { ...valid, temperature: -1 })).toBe(
      'temperature must be at least 0',
    );
    expect(messageFor(fields, { ...valid, temperature: 5 })).toBe('temperature must be at most 2');
    expect(messageFor(fields, { ...valid, top_p: 1 })).toBe('top_p must be less than 1');
  });

  it('words lengths of text and lists with their unit', () => {
    const fields = z.object({ name: z.string().min(1).max(3), stop: z.array(z.string()).max(16) });
    expect(messageFor(fields, { name: '', stop: [] })).toBe(
      'name must be at least 1 character long',
    );
    expect(messageFor(fields, { name: 'abcd', stop: [] })).toBe(
      'name must be at most 3 characters long',
    );
    expect(messageFor(fields, { name: 'a', stop: Array.from({ length: 17 }, () => 'x') })).toBe(
      'stop must have at most 16 items',
    );
  });

  it('says a missing field is required, and puts any other message after a colon', () => {
    const fields = z.object({ model: z.string(), seed: z.number().int() });
    expect(messageFor(fields, { seed: 1 })).toBe('model is required');
    expect(messageFor(fields, { model: 'm', seed: 1.5 })).toMatch(/^seed: /);
  });
});
