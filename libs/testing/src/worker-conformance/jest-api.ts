import type * as JestGlobals from '@jest/globals';

/**
 * Jest's API, read from the globals Jest injects instead of imported: importing `@jest/globals`
 * throws outside Jest, and this library must stay importable from plain scripts.
 */
export function jestApi(): typeof JestGlobals {
  const api = globalThis as unknown as Partial<typeof JestGlobals>;
  if (typeof api.describe !== 'function') {
    throw new Error('the test helpers that register tests or hooks run inside Jest');
  }
  return api as typeof JestGlobals;
}
