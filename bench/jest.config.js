import preset from '../jest.preset.js';

export default {
  ...preset,
  displayName: 'bench',
  // One level below the root, unlike apps/* and libs/*; the benchmark itself never runs here,
  // only the unit tests of its statistics and option parsing.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  reporters: ['default', '<rootDir>/../tools/jest/totals-reporter.js'],
};
