import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect, test, type Page } from '@playwright/test';
import { dropFiles } from './support/drop';
import { SKIP_REASON, chromiumMissing, e2eDir } from './support/environment';
import { cell, openPath, shot, tab, treeItem } from './support/pages';
import { startServe, type Served } from './support/serve';

// The import wizard in Chromium against a real `pond serve` of a fresh pond: files dropped as a
// synthesized DataTransfer (real File objects in the page, uploaded to the server), checked in
// the app, with the CLI, and against what the files hold.

test.skip(chromiumMissing, SKIP_REASON);

const POND = (...args: string[]) =>
  execFileSync(process.execPath, ['bin/pond.js', '--pond', pondDir, ...args]).toString();

let pondDir: string;
let served: Served;
test.beforeAll(async () => {
  pondDir = join(mkdtempSync(join(e2eDir(), 'import-')), 'pond');
  execFileSync(process.execPath, ['bin/pond.js', '--pond', pondDir, 'init', '--birthplace', 'e2e']);
  POND('mkdir', '-p', '/raw/north');
  served = await startServe({ path: pondDir });
});
test.afterAll(async () => {
  await served?.stop();
});

/**
 * Hourly readings as CSV. Station codes look like numbers until `badLine`'s, which is not one:
 * sniffed as BIGINT from the first lines, that line cannot be read until the column is retyped.
 */
function readings(rows: number, badLine?: number): string {
  let s = 'timestamp,level,station\n';
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    const t = new Date(t0 + i * 3600_000).toISOString().replace('T', ' ').replace('.000Z', '');
    const line = i + 2;
    s += `${t},${(i % 100) / 10},${line === badLine ? 'A17' : 100 + (i % 7)}\n`;
  }
  return s;
}

function txnOf(toolbar: string | null): number {
  return Number(/latest transaction (\d+)/.exec(toolbar ?? '')![1]);
}

/** A command line as a POSIX shell splits it (words bare or in single quotes). */
function shellWords(line: string): string[] {
  return (line.match(/(?:'[^']*'|[^\s'])+/g) ?? []).map((w) => w.replace(/'([^']*)'/g, '$1'));
}

function wizardOf(page: Page) {
  return page.getByRole('dialog', { name: 'Import' });
}

test('a CSV with a bad row: the row with its line, a column retyped, imported as a series, in the tree and the grid', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await page.goto(served.url);
  await openPath(page, '/raw/north');
  await shot(page, testInfo, 'import-1-before');
  // 30,000 rows: the sniffer reads the first 20,480, so line 25,002 is found by the whole scan.
  await dropFiles(treeItem(page, '/raw/north'), [
    { name: 'level.csv', content: readings(30_000, 25_002) },
  ]);
  const wizard = wizardOf(page);
  await expect(wizard).toBeVisible();
  await expect(wizard.getByTestId('import-what')).toContainText('New series /raw/north/level.csv');
  const rejects = wizard.getByRole('region', { name: 'Rejected rows' });
  await expect(rejects).toContainText('1 row cannot be read');
  await expect(rejects.locator('tr[data-line="25002"]')).toContainText('A17');
  await expect(wizard.getByRole('list', { name: 'Problems' })).toContainText('line 25002');
  // The app names its own control, not the CLI's flag.
  const problems = wizard.locator('.import-problems');
  await expect(problems).not.toContainText('--skip-rejected');
  await expect(problems).toContainText(
    'fix them, or import the rest with the "Import the rows that read, leave out the rejected ones" box',
  );
  await expect(
    wizard.getByRole('checkbox', {
      name: 'Import the rows that read, leave out the rejected ones',
    }),
  ).toBeVisible();
  await expect(wizard.getByRole('button', { name: 'Import', exact: true })).toBeDisabled();
  await shot(page, testInfo, 'import-2-bad-row');

  // Station codes are text: retyped, every row reads, and the command says so too.
  const type = wizard.getByLabel('Type of column 3');
  await expect(type).toHaveValue('BIGINT');
  await type.fill('VARCHAR');
  await type.press('Enter');
  await expect(rejects).toHaveCount(0);
  await expect(wizard.getByTestId('import-what')).toContainText(
    '30,000 rows, 2024-01-01T00:00:00Z … 2027-06-03T23:00:00Z',
  );
  const command = (await wizard.getByTestId('command').textContent())!;
  expect(command).toBe(
    `pond --pond ${pondDir} -d . copy host+csv+series:///level.csv /raw/north/level.csv --column station:VARCHAR`,
  );
  await shot(page, testInfo, 'import-3-retyped');
  const before = txnOf(await page.locator('.toolbar').textContent());
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(wizard.getByTestId('import-done')).toContainText(
    `Transaction ${before + 1}: 1 file imported`,
  );
  await shot(page, testInfo, 'import-4-done');
  await wizard.getByRole('button', { name: 'Done' }).click();
  await expect(wizard).toBeHidden();

  // The new series is selected in the tree and its rows are in the grid.
  await expect(treeItem(page, '/raw/north/level.csv')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('total-rows')).toHaveText('30,000 rows');
  await expect(await cell(page, 0, 'station')).toHaveText('100');
  await expect(page.locator('.toolbar')).toContainText(`latest transaction ${before + 1}`);
  await shot(page, testInfo, 'import-5-in-tree-and-grid');
  await tab(page, 'History').click();
  await expect(page.locator(`tr[data-txn="${before + 1}"]`)).toContainText(
    'app import /raw/north/level.csv',
  );
  await shot(page, testInfo, 'import-6-history');

  // Every row is stored, the odd station as written.
  expect(
    POND(
      'cat',
      '/raw/north/level.csv',
      '--format',
      'csv',
      '--sql',
      'SELECT count(*) AS n FROM source',
    ),
  ).toBe('n\n30000\n');
  expect(
    POND(
      'cat',
      '/raw/north/level.csv',
      '--format',
      'csv',
      '--sql',
      "SELECT * FROM source WHERE station = 'A17'",
    ),
  ).toBe('timestamp,level,station\n2026-11-07T16:00:00Z,0,A17\n');

  // "Copy as command", run by the CLI in the folder that holds the file, stores the same rows.
  const folder = mkdtempSync(join(e2eDir(), 'import-command-'));
  writeFileSync(join(folder, 'level.csv'), readings(30_000, 25_002));
  const other = join(folder, 'pond');
  execFileSync(process.execPath, ['bin/pond.js', '--pond', other, 'init', '--birthplace', 'cli']);
  execFileSync(process.execPath, ['bin/pond.js', '--pond', other, 'mkdir', '-p', '/raw/north']);
  const words = shellWords(command);
  expect(words.slice(0, 3)).toEqual(['pond', '--pond', pondDir]);
  execFileSync(
    process.execPath,
    [join(process.cwd(), 'bin/pond.js'), '--pond', other, ...words.slice(3)],
    {
      cwd: folder,
    },
  );
  const dump = (pond: string) =>
    execFileSync(process.execPath, [
      'bin/pond.js',
      '--pond',
      pond,
      'cat',
      '/raw/north/level.csv',
      '--format',
      'csv',
      '--sql',
      'SELECT * FROM source ORDER BY timestamp',
    ]).toString();
  expect(dump(other)).toBe(dump(pondDir));
});

test('a commit made by the CLI while the app is open appears, then a drop on that series makes version 2', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await page.goto(served.url);
  await openPath(page, '/raw');
  const before = txnOf(await page.locator('.toolbar').textContent());
  await tab(page, 'History').click();

  // The CLI writes while the page is open: the tree, the toolbar and History follow, and the
  // selection stays.
  const folder = mkdtempSync(join(e2eDir(), 'import-cli-'));
  writeFileSync(join(folder, 'level.csv'), readings(48));
  POND('mkdir', '/raw/cli');
  POND('-d', folder, 'copy', 'host+csv+series:///level.csv', '/raw/cli/level.series');
  await expect(page.locator('.toolbar')).toContainText(`latest transaction ${before + 2}`);
  await expect(treeItem(page, '/raw/cli')).toBeVisible();
  await expect(treeItem(page, '/raw')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator(`tr[data-txn="${before + 2}"]`)).toContainText(
    'copy host+csv+series:///level.csv /raw/cli/level.series',
  );
  await shot(page, testInfo, 'version-1-cli-commit-appears');

  // A file with one more column dropped on the series: its version 2.
  await treeItem(page, '/raw/cli').click();
  const more =
    'timestamp,level,station,turbidity\n2024-01-03 00:00:00,1.5,101,0.25\n2024-01-03 01:00:00,1.25,102,0.5\n';
  await dropFiles(treeItem(page, '/raw/cli/level.series'), [{ name: 'more.csv', content: more }]);
  const wizard = wizardOf(page);
  await expect(wizard.getByTestId('import-what')).toContainText(
    'Version 2 of the series /raw/cli/level.series · 2 rows, 2024-01-03T00:00:00Z … 2024-01-03T01:00:00Z; new columns: turbidity',
  );
  await expect(wizard.getByRole('combobox', { name: 'Kind' })).toBeDisabled();
  await expect(
    wizard.getByRole('table', { name: 'Columns' }).locator('tr[data-column="turbidity"]'),
  ).toContainText('new column');
  await shot(page, testInfo, 'version-2-wizard');
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(wizard.getByTestId('import-done')).toContainText(`Transaction ${before + 3}`);
  await expect(wizard.getByRole('table', { name: /Imported in/ })).toContainText('version 2');
  await wizard.getByRole('button', { name: 'Done' }).click();
  await expect(treeItem(page, '/raw/cli/level.series')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('total-rows')).toHaveText('50 rows');
  await shot(page, testInfo, 'version-3-union-in-grid');
  await tab(page, 'Details').click();
  await expect(page.getByRole('tabpanel')).toContainText('turbidity');
  await shot(page, testInfo, 'version-4-details');
  expect(POND('describe', '/raw/cli/level.series')).toContain('versions (2):');
});

test('a fraction past the sniffed rows in a column of whole numbers is a problem in the wizard, before any run', async ({
  page,
}, testInfo) => {
  test.setTimeout(60_000);
  POND('mkdir', '/raw/frac');
  await page.goto(served.url);
  await openPath(page, '/raw/frac');
  const before = txnOf(await page.locator('.toolbar').textContent());
  // Station codes are whole numbers for the 20,480 rows the sniffer reads; line 25,002 has 101.5.
  const lines = readings(30_000).split('\n');
  lines[25_001] = lines[25_001]!.replace(/,\d+$/, ',101.5');
  await dropFiles(treeItem(page, '/raw/frac'), [{ name: 'frac.csv', content: lines.join('\n') }]);
  const wizard = wizardOf(page);
  const problems = wizard.getByRole('list', { name: 'Problems' });
  await expect(problems).toContainText(
    "line 25002: not whole (column station): '101.5' is not a whole number that fits BIGINT",
  );
  // The fix, in the wizard's words (its Columns table), not the CLI's.
  await expect(problems).toContainText("column 'station'");
  await expect(problems).not.toContainText('--column');
  await shot(page, testInfo, 'fraction-1-problem');
  // Narrow and dark (the theme follows the system's): the problem is still whole and readable.
  await page.setViewportSize({ width: 800, height: 900 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect
    .poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor))
    .toBe('rgb(23, 25, 28)');
  await expect(wizard.getByRole('list', { name: 'Problems' })).toBeInViewport();
  await shot(page, testInfo, 'fraction-2-narrow-dark');
  await expect(page.locator('.toolbar')).toContainText(`latest transaction ${before}`);
});

test('two files dropped at once go in one transaction', async ({ page }, testInfo) => {
  POND('mkdir', '/raw/two');
  await page.goto(served.url);
  await openPath(page, '/raw/two');
  const before = txnOf(await page.locator('.toolbar').textContent());
  await dropFiles(treeItem(page, '/raw/two'), [
    { name: 'north.csv', content: readings(24) },
    { name: 'south.csv', content: readings(12) },
  ]);
  const wizard = wizardOf(page);
  const tabs = wizard.getByRole('tablist', { name: 'Files' });
  await expect(tabs.getByRole('tab')).toHaveText([/✓ north\.csv/, /✓ south\.csv/]);
  await expect(wizard.getByRole('radio', { name: 'One transaction for all files' })).toBeChecked();
  await tabs.getByRole('tab', { name: /south\.csv/ }).click();
  await expect(wizard.getByTestId('import-what').filter({ visible: true })).toContainText(
    'New series /raw/two/south.csv · 12 rows',
  );
  await shot(page, testInfo, 'two-1-wizard');
  await wizard.getByRole('button', { name: 'Import 2 files' }).click();
  await expect(wizard.getByTestId('import-done')).toHaveText(
    `Transaction ${before + 1}: 2 files imported`,
  );
  await shot(page, testInfo, 'two-2-done');
  await wizard.getByRole('button', { name: 'Done' }).click();
  await expect(page.locator('.toolbar')).toContainText(`latest transaction ${before + 1}`);
  await expect(treeItem(page, '/raw/two/north.csv')).toBeVisible();
  await expect(treeItem(page, '/raw/two/south.csv')).toHaveAttribute('aria-selected', 'true');
  await tab(page, 'History').click();
  await expect(page.locator(`tr[data-txn="${before + 1}"]`)).toContainText(
    'app import /raw/two/north.csv /raw/two/south.csv',
  );
  await shot(page, testInfo, 'two-3-history');
});

test('dropped on the window, the wizard asks for the directory; an empty file and a non-CSV say why', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await expect(treeItem(page, '/raw')).toBeVisible();
  await dropFiles(page.locator('.content'), [
    { name: 'empty.csv', content: '' },
    {
      name: 'photo.csv',
      content: [
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0,
        1, 0, 0xff, 0xfe, 0, 0,
      ],
    },
  ]);
  const wizard = wizardOf(page);
  const dir = wizard.getByRole('textbox', { name: 'Directory' });
  await expect(dir).toHaveValue('/');
  await expect(dir).toBeFocused();
  await dir.fill('/raw/nowhere');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard.getByRole('alert')).toContainText("'/raw/nowhere' does not exist");
  await shot(page, testInfo, 'window-1-no-such-directory');
  await wizard.getByRole('button', { name: 'Back' }).click();
  // The field has the focus, and Enter is Next, as in any form.
  await expect(dir).toBeFocused();
  await dir.fill('/raw');
  await dir.press('Enter');
  // The file named once, by its name: not the CLI's source URL, not again under the message.
  const empty = wizard.getByRole('region', { name: 'Import empty.csv' }).getByRole('alert');
  await expect(empty).toHaveText(/^BAD_INPUT Cannot import: empty\.csv is empty: there is nothing/);
  expect((await empty.textContent())!.split('empty.csv')).toHaveLength(2);
  await expect(empty).not.toContainText('host+csv');
  await expect(wizard.getByRole('button', { name: 'Import 2 files' })).toBeDisabled();
  await shot(page, testInfo, 'window-2-empty-file');
  await wizard.getByRole('tab', { name: /photo\.csv/ }).click();
  const photo = wizard.getByRole('region', { name: 'Import photo.csv' });
  await expect(photo.getByRole('alert')).toContainText('photo.csv');
  await shot(page, testInfo, 'window-3-not-csv');
  // Stored as data it is fine; the empty file is left out.
  await photo.getByRole('combobox', { name: 'Kind' }).selectOption('data');
  await expect(photo.getByTestId('import-what')).toContainText('New data /raw/photo.csv · 24 B');
  await wizard.getByRole('tab', { name: /empty\.csv/ }).click();
  await wizard.getByRole('button', { name: 'Leave empty.csv out of this import' }).click();
  await expect(wizard.getByRole('button', { name: 'Import', exact: true })).toBeEnabled();
  await shot(page, testInfo, 'window-4-photo-as-data');
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(wizard.getByTestId('import-done')).toContainText('1 file imported');
  expect(
    execFileSync(process.execPath, ['bin/pond.js', '--pond', pondDir, 'cat', '/raw/photo.csv'])
      .length,
  ).toBe(24);
});

test('a second drop on the open wizard adds its files, the first one’s edits kept; after the run it is refused, naming the files', async ({
  page,
}, testInfo) => {
  POND('mkdir', '-p', '/raw/more');
  await page.goto(served.url);
  await openPath(page, '/raw/more');
  await dropFiles(treeItem(page, '/raw/more'), [{ name: 'first.csv', content: readings(10) }]);
  const wizard = wizardOf(page);
  const first = wizard.getByRole('region', { name: 'Import first.csv' });
  // An edit on the first file: it is stored under another name.
  const target = first.getByRole('textbox', { name: 'Pond path' });
  await expect(target).toHaveValue('/raw/more/first.csv');
  await target.fill('/raw/more/renamed.csv');
  await target.press('Enter');
  await expect(first.getByTestId('import-what')).toContainText('/raw/more/renamed.csv');
  // Dropped on the wizard (it covers the window): added as a screen of its own, shown.
  await dropFiles(wizard, [{ name: 'second.csv', content: readings(20) }]);
  await expect(wizard.getByRole('heading')).toHaveText('Import 2 files into /raw/more');
  await expect(wizard.getByRole('tab', { name: /second\.csv/ })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  const second = wizard.getByRole('region', { name: 'Import second.csv' });
  await expect(second.getByTestId('import-what')).toContainText('/raw/more/second.csv');
  await shot(page, testInfo, 'added-1-second-file');
  await wizard.getByRole('tab', { name: /first\.csv/ }).click();
  await expect(target).toHaveValue('/raw/more/renamed.csv');
  await wizard.getByRole('button', { name: 'Import 2 files' }).click();
  await expect(wizard.getByTestId('import-done')).toContainText('2 files imported');
  // The import has run: a file dropped now cannot join it, and the wizard says so.
  await dropFiles(wizard, [{ name: 'late.csv', content: readings(3) }]);
  await expect(wizard.getByRole('alert')).toHaveText(
    'Not added to this import: late.csv: this import has ended; drop them again after closing the wizard.',
  );
  await shot(page, testInfo, 'added-2-refused-after-run');
  const listed = POND('list', '/raw/more/');
  expect(listed).toContain('/raw/more/renamed.csv');
  expect(listed).toContain('/raw/more/second.csv');
  expect(listed).not.toContain('first.csv');
  expect(listed).not.toContain('late.csv');
});

test('Cancel closes the wizard before the run and the keyboard goes back to the tree', async ({
  page,
}) => {
  await page.goto(served.url);
  await openPath(page, '/raw/north');
  const tree = page.getByRole('tree', { name: 'Pond tree' });
  await expect(tree).toBeFocused();
  await dropFiles(page.locator('.content'), [{ name: 'x.csv', content: readings(3) }]);
  const wizard = wizardOf(page);
  await expect(wizard.getByRole('textbox', { name: 'Directory' })).toBeFocused();
  await wizard.getByRole('button', { name: 'Cancel' }).click();
  await expect(wizard).toBeHidden();
  await expect(tree).toBeFocused();
  // Next to the file screens too, and Esc gives the keyboard back the same way.
  await dropFiles(treeItem(page, '/raw/north'), [{ name: 'x.csv', content: readings(3) }]);
  await expect(wizard.getByRole('region', { name: 'Import x.csv' })).toBeVisible();
  await expect(wizard.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(wizard).toBeHidden();
  await expect(tree).toBeFocused();
  expect(POND('list', '/raw/north/')).not.toContain('x.csv');
});

test('cancelling a large import midway leaves the pond unchanged', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const folder = mkdtempSync(join(e2eDir(), 'import-big-'));
  const big = join(folder, 'big.csv');
  const duck = await DuckDBInstance.create(':memory:');
  const c = await duck.connect();
  await c.run(
    `COPY (SELECT TIMESTAMP '2020-01-01' + to_seconds(i) AS timestamp, i * 0.5 AS v, 'north' AS site
           FROM range(5000000) t(i)) TO '${big}' (HEADER)`,
  );
  c.closeSync();
  const state = () => JSON.stringify([POND('log'), POND('fsck'), staged()]);
  await page.goto(served.url);
  await openPath(page, '/raw');
  const before = state();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import…' }).click();
  await (await chooser).setFiles(big);
  const wizard = wizardOf(page);
  await expect(wizard.getByRole('textbox', { name: 'Directory' })).toHaveValue('/raw');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard.getByTestId('import-what')).toContainText(
    'New series /raw/big.csv · 5,000,000 rows',
    {
      timeout: 120_000,
    },
  );
  await shot(page, testInfo, 'cancel-1-previewed');
  // The preview's read was the conversion, kept for the run, which would only place it (too
  // quick to cancel). Without it (removed, as by hand) the run converts the file again: that is
  // what is cancelled here.
  const conversions = staged().filter((f) => /_staging\/[^/]+\/[0-9a-f-]+\.parquet$/.test(f));
  expect(conversions).toHaveLength(1);
  rmSync(conversions[0]!);
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(wizard.getByTestId('import-progress')).toBeVisible();
  await shot(page, testInfo, 'cancel-2-running');
  await wizard.getByRole('button', { name: 'Cancel' }).click();
  await expect(wizard.getByTestId('import-state')).toContainText('Cancelled', { timeout: 60_000 });
  await shot(page, testInfo, 'cancel-3-cancelled');
  // The upload stays staged for another try until the wizard closes.
  await wizard.getByRole('button', { name: 'Close the import wizard' }).click();
  await expect.poll(() => state(), { timeout: 20_000 }).toBe(before);
});

/** Every file in the pond's staging folders (uploads, converted files). */
function staged(): string[] {
  const root = join(pondDir, 'data', '_large_files', '_staging');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

test('at 800 px a long column name wraps inside the wizard and a TIMESTAMP WITH TIME ZONE type shows whole', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 800, height: 900 });
  await page.goto(served.url);
  const long = 'dissolved_oxygen_concentration_milligrams_per_litre_at_sensor_depth';
  let csv = `when,${long},site\n`;
  for (let i = 0; i < 20; i++) csv += `2024-03-0${1 + (i % 9)} 10:00:00+02:00,${i * 1.5},north\n`;
  await dropFiles(treeItem(page, '/raw'), [{ name: 'oxygen.csv', content: csv }]);
  const wizard = wizardOf(page);
  await expect(wizard.getByTestId('import-what')).toContainText('New series /raw/oxygen.csv');
  const type = wizard.getByLabel('Type of column 1');
  await expect(type).toHaveValue('TIMESTAMP WITH TIME ZONE');
  await shot(page, testInfo, 'long-names-800');
  // The whole type is in view in its field (no text scrolled out of it).
  expect(await type.evaluate((el: HTMLInputElement) => el.scrollWidth <= el.clientWidth)).toBe(
    true,
  );
  // The columns table fits the dialog: the Skip boxes and Notes are on screen, not cut off.
  const body = wizard.locator('.dialog-body');
  expect(await body.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  const box = (await wizard.boundingBox())!;
  const skip = (await wizard.getByLabel('Skip column 2').boundingBox())!;
  expect(skip.x + skip.width).toBeLessThanOrEqual(box.x + box.width);
  // The name field says the whole name on hover.
  await expect(wizard.getByLabel('Name of column 2')).toHaveAttribute('title', long);
  await wizard.getByRole('button', { name: 'Close the import wizard' }).click();
  await expect(wizard).toBeHidden();
});
