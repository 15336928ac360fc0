import { describe, expect, it } from '@jest/globals';
import { schedulingSlackFrom } from './scheduling-slack.js';

describe('schedulingSlackFrom', () => {
  it('is 3 s unless the environment says otherwise', () => {
    expect(schedulingSlackFrom(undefined)).toBe(3_000);
    expect(schedulingSlackFrom(' ')).toBe(3_000);
  });

  it('takes a whole number of milliseconds from SWITCHYARD_TEST_SLACK_MS', () => {
    expect(schedulingSlackFrom('10000')).toBe(10_000);
    expect(schedulingSlackFrom('0')).toBe(0);
  });

  it('refuses a value that is not a non-negative integer, naming the variable', () => {
    for (const bad of ['3s', '-1', '1.5', 'NaN']) {
      expect(() => schedulingSlackFrom(bad)).toThrow(
        `SWITCHYARD_TEST_SLACK_MS must be a non-negative integer of milliseconds, got "${bad}"`,
      );
    }
  });
});
