// Shared Jest settings: ESM, TypeScript through @swc/jest with the legacy decorators and
// decorator metadata that Nest's dependency injection reads, and workspace libraries resolved
// to their sources so a test never runs against a stale build of another package.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2023',
          keepClassNames: true,
        },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: {
    // The simulator is an app that tests import to start backends in-process.
    '^@switchyard/backend-sim$': '<rootDir>/../../apps/backend-sim/src/index.ts',
    '^@switchyard/([a-z0-9-]+)$': '<rootDir>/../../libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/../../tools/jest/totals-reporter.js'],
};
