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
  // A run ends when its tests have: a teardown that failed part-way (a hook over its time) can
  // leave a nats-server or a service running, and jest would then wait on their pipes forever,
  // holding CI until its deadline. The helpers in @switchyard/testing kill every child they
  // started when the process exits, and the failed hook still fails its suite.
  forceExit: true,
  reporters: ['default', '<rootDir>/../../tools/jest/totals-reporter.js'],
};
