/**
 * The desktop app itself: Electron's main process (dist/electron/main.js), the preload bridge
 * and the renderer bundle, driven by Playwright's Electron support. First run with a fresh app
 * data folder: the demo pond is made and opened, the tree and the preview show its data; the
 * window is sandboxed, exposes only `window.pond`, and cannot navigate or open windows.
 *
 * Skipped, with the reason printed, where Electron's binary is not installed (its download is
 * disabled in this repository's CI: `allowScripts: { electron: false }`).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { cell, openPath, treeItem } from '../support/pages';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function electronBinary(): { path?: string; reason?: string } {
  try {
    const path = createRequire(join(root, 'package.json'))('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: `${String(path)} does not exist` };
  } catch (e) {
    return { reason: String(e instanceof Error ? e.message : e).split('\n')[0] };
  }
}

const electron = electronBinary();
const SKIP = `Electron's binary is not installed (${electron.reason}): the desktop app tests are skipped`;
if (!electron.path) console.log(`e2e: ${SKIP}`);

test.describe('the desktop app', () => {
  test.skip(!electron.path, SKIP);

  let app: ElectronApplication;
  let page: Page;
  let appData: string;

  test.beforeAll(async () => {
    for (const f of [
      'dist/electron/main.js',
      'dist/electron/preload.cjs',
      'dist/renderer/index.html',
    ])
      if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run npm run build`);
    appData = mkdtempSync(join(tmpdir(), 'pond-e2e-electron-'));
    app = await _electron.launch({
      executablePath: electron.path!,
      args: [
        join(root, 'dist/electron/main.js'),
        // Chromium's OS sandbox needs user namespaces that containers running as root lack;
        // the renderer's own sandbox (webPreferences.sandbox) stays on.
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      ],
      env: { ...process.env, POND_APP_DATA: appData } as Record<string, string>,
      timeout: 60_000,
    });
    page = await app.firstWindow();
  });

  test.afterAll(async () => {
    await app?.close();
    if (appData) rmSync(appData, { recursive: true, force: true });
  });

  test('opens the demo pond on first run and shows its tree and a preview', async () => {
    await expect(treeItem(page, '/sites')).toBeVisible({ timeout: 60_000 });
    await openPath(page, '/sites/north/water.series');
    const temperature = await cell(page, 0, 'temperature');
    await expect(temperature).toHaveText(/^\d+(\.\d+)?$/);
    const ts = await cell(page, 0, 'timestamp');
    await expect(ts).toContainText('2024-07-01');
    expect(existsSync(join(appData, 'demo-pond'))).toBe(true);
  });

  test('runs the renderer without Node, with only window.pond exposed', async () => {
    expect(page.url()).toMatch(/^pond-app:\/\/bundle\//);
    const seen = await page.evaluate(() => ({
      pond: Object.keys((window as unknown as { pond: object }).pond).sort(),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(seen.require).toBe('undefined');
    expect(seen.process).toBe('undefined');
    expect(seen.pond).toContain('preview');
    expect(seen.pond).toContain('onMenuCommand');
    expect(seen.pond).not.toContain('openPath');
    // A malformed call is refused by main with a typed error.
    const refused = await page.evaluate(async () => {
      const pond = (window as unknown as { pond: { list(a: unknown): Promise<unknown> } }).pond;
      return pond.list({ pond: 'x', path: '../../etc', offset: -1, limit: 1 }).then(
        () => 'resolved',
        (e: unknown) => e,
      );
    });
    expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  test('cannot open windows or navigate away from the bundle', async () => {
    const before = page.url();
    const opened = await page.evaluate(() => window.open('https://example.com/') === null);
    expect(opened).toBe(true);
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(app.windows()).toHaveLength(1);
  });
});
