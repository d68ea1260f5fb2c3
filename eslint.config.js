import tseslint from 'typescript-eslint';

/** What the engine's layers below the service never import (DESIGN §2). */
const ABOVE_THE_ENGINE = ['**/service/**', '**/cli/**', '**/serve/**', '**/electron/**'];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'e2e-results/**',
      '.tmp/**',
      'release/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Layering rules from DESIGN §2: the UI only talks to the contract, tinyfs stays storage-agnostic.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/pond/**', 'node:*'] }] },
  },
  {
    files: ['pond/tinyfs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '**/delta/**',
            '**/duckdb/**',
            '@duckdb/*',
            '**/tlogfs/**',
            '**/query/**',
            ...ABOVE_THE_ENGINE,
          ],
        },
      ],
    },
  },
  {
    files: ['pond/delta/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '**/tinyfs/**',
            '**/tlogfs/**',
            '**/query/**',
            '**/factories/**',
            ...ABOVE_THE_ENGINE,
          ],
        },
      ],
    },
  },
  {
    // Nothing below the service imports it (DESIGN §2): long work reports through pond/job.
    files: ['pond/{config,duckdb,tlogfs,query,job,remote}/**/*.ts'],
    ignores: ['pond/*/test/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ABOVE_THE_ENGINE }],
    },
  },
  {
    // Factories, import and export are siblings: none imports another.
    files: ['pond/factories/**/*.ts'],
    ignores: ['pond/*/test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/import/**', '**/export/**', '**/remote/**', ...ABOVE_THE_ENGINE] },
      ],
    },
  },
  {
    files: ['pond/import/**/*.ts'],
    ignores: ['pond/*/test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/factories/**', '**/export/**', '**/remote/**', ...ABOVE_THE_ENGINE] },
      ],
    },
  },
  {
    files: ['pond/export/**/*.ts'],
    ignores: ['pond/*/test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/factories/**', '**/import/**', '**/remote/**', ...ABOVE_THE_ENGINE] },
      ],
    },
  },
);
