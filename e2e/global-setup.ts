import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SKIP_REASON, chromiumMissing } from './support/environment';

/**
 * Builds the app (unless the caller just did: POND_SKIP_BUILD=1), then the ponds every test
 * reads, in a fresh temp folder removed at the end: nothing is cached across runs.
 */
export default function globalSetup(): () => void {
  if (chromiumMissing) {
    console.log(`e2e: ${SKIP_REASON}`);
    return () => undefined;
  }
  if (process.env['POND_SKIP_BUILD'] !== '1') {
    execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  }
  if (!existsSync('dist/renderer/index.html')) {
    throw new Error('dist/renderer/index.html is missing: run npm run build');
  }
  const dir = mkdtempSync(join(tmpdir(), 'pond-e2e-'));
  process.env['POND_E2E_DIR'] = dir;
  // The servers use a copy of the bundle, so a rebuild during the run cannot pull it away.
  cpSync('dist/renderer', join(dir, 'renderer'), { recursive: true });
  const started = Date.now();
  execFileSync(process.execPath, ['e2e/support/make-ponds.mjs', dir], { stdio: 'inherit' });
  console.log(`e2e: ponds made in ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return () => rmSync(dir, { recursive: true, force: true });
}
