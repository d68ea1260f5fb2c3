import tseslint from 'typescript-eslint';

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
        { patterns: ['**/delta/**', '**/duckdb/**', '@duckdb/*', '**/tlogfs/**', '**/query/**'] },
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
            '**/service/**',
          ],
        },
      ],
    },
  },
);
