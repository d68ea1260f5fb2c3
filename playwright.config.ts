import { defineConfig } from '@playwright/test';
import { CHROMIUM, SKIP_REASON, chromiumMissing } from './e2e/support/environment';

// CI asks for a machine-readable report (see .ci/run and .ci/totals.mjs).
const report = process.env['POND_TEST_REPORT_DIR'];
if (chromiumMissing) console.log(`e2e: ${SKIP_REASON}`);

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'e2e-results',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [
    ['list'],
    ...(report ? [['json', { outputFile: `${report}/playwright.json` }] as const] : []),
  ],
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
