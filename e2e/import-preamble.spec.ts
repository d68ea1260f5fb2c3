import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { dropFiles } from './support/drop';
import { SKIP_REASON, chromiumMissing, e2eDir } from './support/environment';
import { openPath, shot, treeItem } from './support/pages';
import { startServe, type Served } from './support/serve';

// A sensor logger's export (lines of preamble before its header) dropped on the series it
// belongs to, in Chromium against a real `pond serve`: the file cannot be planned as it is (the
// sniffer never guesses lines to skip, so its one column is the preamble's first line), and the
// wizard must still let the user say how many lines to skip, then import it as the series' next
// version, checked with the CLI.

test.skip(chromiumMissing, SKIP_REASON);

const POND = (...args: string[]) =>
  execFileSync(process.execPath, ['bin/pond.js', '--pond', pondDir, ...args]).toString();

/** Quarter-hour readings from `start` (ms since 1970), after `preamble` lines. */
function logger(start: number, rows: number, preamble: string[]): string {
  const lines = [...preamble, 'timestamp,pressure_kpa,temp_c'];
  for (let i = 0; i < rows; i++) {
    const t = new Date(start + i * 900_000).toISOString().replace('.000Z', 'Z');
    lines.push(`${t},${(101 + i / 100).toFixed(2)},${(4 + (i % 5) / 10).toFixed(1)}`);
  }
  return lines.join('\n') + '\n';
}

const PREAMBLE = ['Logger: HOBO U20 SN 20345678', 'Site: North Creek', 'Exported 2024-02-01 10:00'];
const T0 = Date.UTC(2024, 0, 1);
const T1 = Date.UTC(2024, 0, 2);

let pondDir: string;
let served: Served;
test.beforeAll(async () => {
  const dir = mkdtempSync(join(e2eDir(), 'import-preamble-'));
  pondDir = join(dir, 'pond');
  POND('init', '--birthplace', 'e2e');
  POND('mkdir', '-p', '/raw/north');
  writeFileSync(join(dir, 'first.csv'), logger(T0, 96, []));
  POND('-d', dir, 'copy', 'host+csv+series:///first.csv', '/raw/north/level.series');
  served = await startServe({ path: pondDir });
});
test.afterAll(async () => {
  await served?.stop();
});

test('a logger file with 3 preamble lines dropped on its series: the error names the column, Lines to skip fixes it, imported as version 2', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await openPath(page, '/raw/north/level.series');
  await dropFiles(treeItem(page, '/raw/north/level.series'), [
    { name: 'logger.csv', content: logger(T1, 100, PREAMBLE) },
  ]);
  const wizard = page.getByRole('dialog', { name: 'Import' });
  await expect(wizard).toContainText(
    "logger.csv has no column 'timestamp', the series' timestamp column (columns: Logger: HOBO U20 SN 20345678)",
  );
  await shot(page, testInfo, 'import-preamble-1-refused');
  const skip = wizard.getByRole('textbox', { name: 'Lines to skip' });
  await expect(skip).toHaveValue('0');
  await skip.fill('3');
  await skip.press('Enter');
  await expect(wizard.getByTestId('import-what')).toContainText(
    'Version 2 of the series /raw/north/level.series · 100 rows, 2024-01-02T00:00:00Z … 2024-01-03T00:45:00Z',
  );
  await expect(wizard.getByRole('textbox', { name: 'Lines to skip' })).toHaveValue('3');
  await expect(wizard.locator('.import-command')).toContainText(
    'copy host+csv+series:///logger.csv /raw/north/level.series --skip 3',
  );
  await shot(page, testInfo, 'import-preamble-2-read');
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();
  await wizard.getByRole('button', { name: 'Done' }).click();
  await expect(wizard).toBeHidden();

  const got = POND(
    'cat',
    '/raw/north/level.series',
    '--format',
    'csv',
    '--sql',
    'SELECT count(*), min(timestamp), max(timestamp), max(pressure_kpa) FROM source',
  );
  expect(got.trim().split('\n')[1]).toBe('196,2024-01-01T00:00:00Z,2024-01-03T00:45:00Z,101.99');
});

test('the same file into a directory: the rejected lines are shown, the wizard offers to skip the 3 lines of preamble, and it reads as a series', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await openPath(page, '/raw/north');
  await dropFiles(treeItem(page, '/raw/north'), [
    { name: 'hobo.csv', content: logger(T1, 100, PREAMBLE) },
  ]);
  const wizard = page.getByRole('dialog', { name: 'Import' });
  await expect(wizard.getByRole('list', { name: 'Problems' })).toContainText(
    '101 rows cannot be read (first: line 4: too many columns',
  );
  await expect(wizard.locator('.import-rejects tr[data-line="4"]')).toContainText(
    'timestamp,pressure_kpa,temp_c',
  );
  // The wizard names the preamble and skips it in one click.
  await expect(wizard.getByTestId('preamble-hint')).toContainText(
    'Line 4 has more columns than the 3 lines before it',
  );
  await shot(page, testInfo, 'import-preamble-3-hint');
  await wizard.getByRole('button', { name: 'Skip the first 3 lines' }).click();
  await expect(wizard.getByRole('textbox', { name: 'Lines to skip' })).toHaveValue('3');
  await expect(wizard.getByTestId('preamble-hint')).toBeHidden();
  await wizard.getByRole('combobox', { name: 'Kind' }).selectOption('series');
  await expect(wizard.getByTestId('import-what')).toContainText(
    'New series /raw/north/hobo.csv · 100 rows, 2024-01-02T00:00:00Z … 2024-01-03T00:45:00Z',
  );
});
