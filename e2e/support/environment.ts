import { existsSync } from 'node:fs';

/** Debian's Chromium; the e2e suite never downloads browsers (`playwright install`). */
export const CHROMIUM = '/usr/bin/chromium';

export const chromiumMissing = !existsSync(CHROMIUM);
export const SKIP_REASON = `${CHROMIUM} is not installed (apt-get install chromium): the browser tests are skipped`;

/** Where global setup put the ponds (set by e2e/global-setup.ts). */
export function e2eDir(): string {
  const dir = process.env['POND_E2E_DIR'];
  if (!dir) throw new Error('POND_E2E_DIR is not set: run the suite with npx playwright test');
  return dir;
}
