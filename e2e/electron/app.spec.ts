/**
 * The desktop app itself: Electron's main process (dist/electron/main.js), the preload bridge
 * and the renderer bundle, driven by Playwright's Electron support. First run with a fresh app
 * data folder: the demo pond is made and opened, the tree and the preview show its data, cells
 * copy to the system clipboard; the window is sandboxed, exposes only `window.pond`, and cannot
 * navigate or open windows; quitting while a query runs ends the app within the quit timeout and
 * leaves the pond whole.
 *
 * Skipped, with the reason printed, where Electron's binary is not installed (this repository's
 * CI sets ELECTRON_SKIP_BINARY_DOWNLOAD). Playwright drives the development build: a packaged
 * app has the Node inspector fused off, so it cannot be driven this way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { cell, openPath, treeItem } from '../support/pages';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERIES = '/sites/north/water.series';
/** electron/shutdown.ts QUIT_TIMEOUT_MS: how long quitting waits for jobs and ponds. */
const QUIT_TIMEOUT_MS = 5_000;

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

/** Starts the app on a fresh data folder (a first run), and returns it with its first window. */
async function launch(): Promise<{ app: ElectronApplication; page: Page; appData: string }> {
  for (const f of [
    'dist/electron/main.js',
    'dist/electron/preload.cjs',
    'dist/renderer/index.html',
  ])
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run npm run build`);
  const appData = mkdtempSync(join(tmpdir(), 'pond-e2e-electron-'));
  const app = await _electron.launch({
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
  return { app, page: await app.firstWindow(), appData };
}

test.describe('the desktop app', () => {
  test.skip(!electron.path, SKIP);

  let app: ElectronApplication;
  let page: Page;
  let appData: string;

  test.beforeAll(async () => {
    ({ app, page, appData } = await launch());
  });

  test.afterAll(async () => {
    await app?.close();
    if (appData) rmSync(appData, { recursive: true, force: true });
  });

  test('opens the demo pond on first run and shows its tree and a preview', async () => {
    await expect(treeItem(page, '/sites')).toBeVisible({ timeout: 60_000 });
    await openPath(page, SERIES);
    const temperature = await cell(page, 0, 'temperature');
    await expect(temperature).toHaveText(/^\d+(\.\d+)?$/);
    const ts = await cell(page, 0, 'timestamp');
    await expect(ts).toContainText('2024-07-01');
    expect(existsSync(join(appData, 'demo-pond'))).toBe(true);
    // Built once: one demo job, and nothing left of its build folder.
    const jobs = await page.evaluate(() =>
      (window as unknown as { pond: { jobs(): Promise<{ kind: string }[]> } }).pond.jobs(),
    );
    expect(jobs.filter((j) => j.kind === 'demo-pond')).toHaveLength(1);
    expect(readdirSync(appData).filter((n) => n.includes('.building-'))).toEqual([]);
  });

  test('copies selected cells to the system clipboard as TSV', async () => {
    await openPath(page, SERIES);
    const first = await cell(page, 0, 'temperature');
    await first.click();
    await (await cell(page, 2, 'conductivity')).click({ modifiers: ['Shift'] });
    await page.getByRole('grid').press('ControlOrMeta+c');
    await expect(page.getByText('Copied 3 × 2 cells as TSV')).toBeVisible();
    const tsv = await app.evaluate(({ clipboard }) => clipboard.readText());
    const lines = tsv.split('\n').map((l) => l.split('\t'));
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.length === 2)).toBe(true);
    expect(lines[0]![0]).toBe((await first.textContent())?.trim());
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
    // Other permissions stay denied to the page (the check handler, not only requests).
    const geolocation = await page.evaluate(async () => {
      const status = await navigator.permissions.query({ name: 'geolocation' });
      return status.state;
    });
    expect(geolocation).toBe('denied');
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

test.describe('quitting the desktop app', () => {
  test.skip(!electron.path, SKIP);

  test('ends within the quit timeout while a query runs, and leaves the pond whole', async () => {
    const { app, page, appData } = await launch();
    try {
      await expect(treeItem(page, '/sites')).toBeVisible({ timeout: 60_000 });
      await openPath(page, SERIES);
      const editor = page.getByRole('textbox', { name: 'SQL over source' });
      await editor.click();
      await page.keyboard.press('ControlOrMeta+a');
      // Minutes of work for DuckDB: still running when the app is asked to quit.
      await page.keyboard.type(
        'SELECT count(*) AS n FROM range(100000000000) t(i) WHERE i % 7 = 3',
      );
      await page.keyboard.press('Control+Enter');
      await page.waitForTimeout(1_000);
      await expect(page.getByTestId('total-rows')).toHaveCount(0);
      await expect(page.getByRole('alert')).toHaveCount(0);

      const exited = new Promise<number | null>((done) =>
        app.process().once('exit', (code) => done(code)),
      );
      const started = Date.now();
      await app.close();
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(QUIT_TIMEOUT_MS + 10_000);

      // The pond opens and checks clean afterwards, and no build folder was left behind.
      const fsck = spawnSync(
        process.execPath,
        [join(root, 'bin/pond.js'), 'fsck', '--pond', join(appData, 'demo-pond')],
        { encoding: 'utf8' },
      );
      expect(fsck.status, `${fsck.stdout}\n${fsck.stderr}`).toBe(0);
      expect(readdirSync(appData).filter((n) => n.includes('.building-'))).toEqual([]);
    } finally {
      rmSync(appData, { recursive: true, force: true });
    }
  });
});
