import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

// The architecture, enforced: apps import libs, libs never import apps, the protocol library
// (`type:contracts`) imports nothing but zod, and test helpers (`type:testing`) reach no
// production code path.
const productionConstraints = [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [], allowedExternalImports: ['zod'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:contracts', 'type:lib'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:lib'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:lib'] },
  // The backend simulator stands in for third-party servers, so it shares no code with Switchyard.
  { sourceTag: 'type:sim', onlyDependOnLibsWithTags: [] },
  // Deployment files and their checks, which use the protocol to test what they configure.
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:contracts', 'type:lib'] },
];

// Tests may also use the test helpers, the simulator and test-only packages.
const testConstraints = productionConstraints.map((constraint) => ({
  ...constraint,
  onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'type:testing', 'type:sim'],
  ...(constraint.allowedExternalImports
    ? {
        allowedExternalImports: [
          ...constraint.allowedExternalImports,
          '@jest/globals',
          'fast-check',
          'node:*',
        ],
      }
    : {}),
}));

const testFiles = ['**/*.spec.ts', '**/test/**/*.ts'];

// The request path never starts an object literal with a spread it then adds to: on Node 20
// (V8 11.3) such an object, once its code is hot, gets a hidden class of its own every time.
// Building it costs about a microsecond per added field, and everything that reads it after
// (JSON.stringify, zod, plain property loads) takes the slow, megamorphic way: measured on
// Node 20.20, a request body gained 3 µs to build and 2 µs to encode, and zod took 12 µs
// instead of 2 to check the gateway's canonical request. Node 22 and 24 do not do this.
// `Object.assign({}, a, { b })`, or the literal's own fields first, keep one hidden class.
const requestPath = [
  'apps/gateway/src/**/*.ts',
  'apps/ollama-worker/src/**/*.ts',
  'apps/lmstudio-worker/src/**/*.ts',
  'apps/vllm-worker/src/**/*.ts',
  'libs/nats/src/**/*.ts',
  'libs/worker-runtime/src/**/*.ts',
  'libs/contracts/src/frames/**/*.ts',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/coverage'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Project code; the tooling files at a project's root (jest.config.js) are not part of it.
    files: ['**/src/**/*.ts', '**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: true, allow: [], depConstraints: productionConstraints },
      ],
    },
  },
  {
    files: testFiles,
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: true, allow: [], depConstraints: testConstraints },
      ],
    },
  },
  {
    files: requestPath,
    ignores: testFiles,
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ObjectExpression > SpreadElement:first-child:not(:last-child)',
          message:
            'An object literal that starts with a spread and adds to it is slow to build and to read on Node 20 (see eslint.config.js); use Object.assign({}, source, { added }) or put the literal fields first.',
        },
      ],
    },
  },
  prettier,
];
