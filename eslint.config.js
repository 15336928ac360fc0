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
  prettier,
];
