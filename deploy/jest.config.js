import preset from '../jest.preset.js';

export default {
  ...preset,
  displayName: 'deploy',
  // One level below the root, unlike apps/* and libs/*.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  reporters: ['default', '<rootDir>/../tools/jest/totals-reporter.js'],
};
