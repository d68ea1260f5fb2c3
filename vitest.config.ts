import { defineConfig } from 'vitest/config';

// CI asks for a machine-readable report (see .ci/run) so it can print the totals of all suites.
const report = process.env.POND_TEST_REPORT_DIR;

export default defineConfig({
  test: {
    include: [
      'pond/**/test/**/*.test.ts',
      'shared/**/test/**/*.test.ts',
      'electron/**/test/**/*.test.ts',
      'renderer/**/test/**/*.test.ts',
    ],
    globalSetup: ['test-support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: report ? ['default', 'json'] : ['default'],
    outputFile: report ? { json: `${report}/vitest.json` } : undefined,
  },
});
