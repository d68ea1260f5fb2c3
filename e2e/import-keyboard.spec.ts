import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { SKIP_REASON, chromiumMissing, e2eDir } from './support/environment';
import { shot, treeItem } from './support/pages';
import { startServe, type Served } from './support/serve';

// The import wizard with the keyboard only (Tab, Shift+Tab, Enter, Escape), in Chromium against
// a real `pond serve` of a fresh pond, at 800 px in dark mode: the focus never falls behind the
// modal (to the page's body or the toolbar), from choosing the file to Done.

test.skip(chromiumMissing, SKIP_REASON);

let pondDir: string;
let served: Served;
test.beforeAll(async () => {
  pondDir = join(mkdtempSync(join(e2eDir(), 'import-keyboard-')), 'pond');
  execFileSync(process.execPath, ['bin/pond.js', '--pond', pondDir, 'init', '--birthplace', 'e2e']);
  execFileSync(process.execPath, ['bin/pond.js', '--pond', pondDir, 'mkdir', '-p', '/raw/north']);
  served = await startServe({ path: pondDir });
});
test.afterAll(async () => {
  await served?.stop();
});

const CSV =
  'timestamp,level,temp\n' +
  Array.from(
    { length: 48 },
    (_, i) =>
      `${new Date(Date.UTC(2024, 0, 1, i)).toISOString().replace('.000Z', 'Z')},${i / 10},${5 + (i % 3)}`,
  ).join('\n') +
  '\n';

/** Where the keyboard is: inside the Import dialog, or what it is outside it. */
function focusWhere(page: Page): Promise<string> {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (a?.closest('[role="dialog"][aria-label="Import"]')) return 'dialog';
    return a === document.body || !a ? 'body' : `${a.tagName} ${a.textContent?.trim() ?? ''}`;
  });
}

test('keyboard only: Next keeps the focus in the wizard, Tab and Shift+Tab wrap inside it, Enter imports', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 800, height: 900 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(served.url);
  await expect(treeItem(page, '/raw')).toBeVisible();
  page.on(
    'filechooser',
    (chooser) =>
      void chooser.setFiles({ name: 'level.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) }),
  );
  await page.getByRole('button', { name: 'Import…' }).focus();
  await page.keyboard.press('Enter');
  const wizard = page.getByRole('dialog', { name: 'Import' });
  const directory = wizard.getByRole('textbox', { name: 'Directory' });
  await expect(directory).toBeFocused();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('/raw/north');
  await page.keyboard.press('Enter');

  // The directory field is gone with its step: the keyboard stays in the wizard.
  const importButton = wizard.getByRole('button', { name: 'Import', exact: true });
  await expect(importButton).toBeEnabled();
  await expect(wizard.getByTestId('import-what')).toContainText(
    'New series /raw/north/level.csv · 48 rows, 2024-01-01T00:00:00Z … 2024-01-02T23:00:00Z',
  );
  expect(await focusWhere(page)).toBe('dialog');
  await shot(page, testInfo, 'import-keyboard-800-dark');

  // Once round the wizard's controls and past its last one: never behind the backdrop.
  let reachedImport = false;
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    expect(await focusWhere(page), `after ${i + 1} Tab`).toBe('dialog');
    if (await importButton.evaluate((b) => b === document.activeElement)) reachedImport = true;
  }
  expect(reachedImport).toBe(true);
  // Shift+Tab from the first control goes round to the last (Import, at the footer's end).
  await wizard.getByRole('button', { name: 'Close the import wizard' }).focus();
  await page.keyboard.press('Shift+Tab');
  await expect(importButton).toBeFocused();

  await page.keyboard.press('Enter');
  const done = wizard.getByRole('button', { name: 'Done' });
  await expect(done).toBeVisible();
  // The Import button went with its step; the keyboard did not go to the page behind.
  expect(await focusWhere(page)).toBe('dialog');
  while (!(await done.evaluate((b) => b === document.activeElement))) {
    await page.keyboard.press('Tab');
    expect(await focusWhere(page)).toBe('dialog');
  }
  await page.keyboard.press('Enter');
  await expect(wizard).toBeHidden();
  await expect(treeItem(page, '/raw/north/level.csv')).toHaveAttribute('aria-selected', 'true');
  const counted = execFileSync(process.execPath, [
    'bin/pond.js',
    '--pond',
    pondDir,
    'cat',
    '/raw/north/level.csv',
    '--format',
    'csv',
    '--sql',
    'SELECT count(*) AS n, sum(temp) AS t FROM source',
  ]).toString();
  const temps = Array.from({ length: 48 }, (_, i) => 5 + (i % 3)).reduce((a, b) => a + b, 0);
  expect(counted.trim().split('\n')[1]).toBe(`48,${temps}`);
});

test('Escape closes the wizard and gives the keyboard back to Import…', async ({ page }) => {
  await page.goto(served.url);
  await expect(treeItem(page, '/raw')).toBeVisible();
  page.on(
    'filechooser',
    (chooser) =>
      void chooser.setFiles({ name: 'level.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) }),
  );
  const opener = page.getByRole('button', { name: 'Import…' });
  await opener.focus();
  await page.keyboard.press('Enter');
  const wizard = page.getByRole('dialog', { name: 'Import' });
  await expect(wizard.getByRole('textbox', { name: 'Directory' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(wizard.getByRole('button', { name: 'Import', exact: true })).toBeEnabled();
  await page.keyboard.press('Escape');
  await expect(wizard).toBeHidden();
  await expect(opener).toBeFocused();
});
