import { expect, test, type Page } from '@playwright/test';
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { SKIP_REASON, chromiumMissing, e2eDir } from './support/environment';
import { openPath, shot, tab, treeItem } from './support/pages';
import { startServe, type Served } from './support/serve';

// The export wizard, profiles and "export this result", against real `pond serve` processes
// started with --export-root, checked on disk and against plain DuckDB.

test.skip(chromiumMissing, SKIP_REASON);
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

let root: string;
let demo: Served;
let big: Served;
test.beforeAll(async () => {
  root = mkdtempSync(join(e2eDir(), 'exports-'));
  [demo, big] = await Promise.all([
    startServe({ demo: true }, { exportRoot: root }),
    startServe({ path: join(e2eDir(), 'big-pond') }, { exportRoot: root }),
  ]);
});
test.afterAll(async () => {
  await Promise.all([demo?.stop(), big?.stop()]);
});

/** Every file under a folder, relative, sorted. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/** Every entry under a folder with its size and mtime, to show it was left as it was. */
function listing(dir: string): string[] {
  return [dir, ...readdirSync(dir, { recursive: true }).map((e) => join(dir, String(e)))]
    .sort()
    .map((p) => {
      const s = lstatSync(p);
      return `${relative(dir, p)} ${s.isDirectory() ? 'dir' : s.size} ${s.mtimeMs}`;
    });
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The files of export.json, by path: rows and period. */
function metadataFiles(dir: string): Record<string, string> {
  const meta = JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  const out: Record<string, string> = {};
  const walk = (t: unknown) => {
    const leaf = t as { files?: { path: string; rows: number; start: string; end: string }[] };
    if (Array.isArray(leaf.files)) {
      for (const f of leaf.files) out[f.path] = `${f.rows} ${f.start} ${f.end}`;
    } else for (const v of Object.values(t as Record<string, unknown>)) walk(v);
  };
  for (const t of Object.values(meta.exports)) walk(t);
  return out;
}

async function openWizard(page: Page) {
  await page.getByRole('button', { name: 'Export…', exact: true }).first().click();
  const wizard = page.getByRole('dialog', { name: 'Export' });
  await expect(wizard).toBeVisible();
  return wizard;
}

/** The dry run's planned files as the wizard shows them: path -> "rows start end". */
async function plannedFiles(page: Page): Promise<Record<string, string>> {
  await page.getByText(/^Partitions \(\d+\)$/).click();
  const rows = await page
    .getByRole('table', { name: 'Planned files' })
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')),
    );
  return Object.fromEntries(
    rows.map(([path, period, n]) => {
      const [start, end] = (period ?? '').split(' … ');
      return [path!, `${n} ${start} ${end}`];
    }),
  );
}

test('the wizard on the demo pond: dry run, run, the folder on disk, a profile the CLI runs', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  await page.goto(demo.url);
  await openPath(page, '/sites');
  const wizard = await openWizard(page);
  // The selection prefills the pattern; its matches show as it is typed.
  const pattern = wizard.getByRole('textbox', { name: 'Pattern 1' });
  await expect(pattern).toHaveValue('/sites/**/*.series');
  await pattern.fill('/sites/*/water.series');
  const matches = wizard.getByRole('table', { name: 'Matches of pattern 1' });
  await expect(matches.locator('tbody tr')).toHaveCount(2);
  await expect(matches).toContainText('/sites/north/water.series');
  await expect(matches).toContainText('north/');
  await shot(page, testInfo, 'export-1-patterns');
  // A bad glob is shown inline, at once.
  await pattern.fill('/sites/**x');
  await expect(wizard.getByRole('alert')).toContainText("'**' must be a whole path component");
  await shot(page, testInfo, 'export-1-bad-pattern');
  await pattern.fill('/sites/*/water.series');
  await expect(matches.locator('tbody tr')).toHaveCount(2);
  await wizard.getByRole('button', { name: 'Next' }).click();

  await wizard
    .getByRole('combobox', { name: 'Partition by time' })
    .selectOption({ label: 'year / month / day' });
  await expect(wizard.getByTestId('data-range')).toContainText(
    'The data: 2024-07-01T00:00:00Z … 2024-07-07T23:59:00Z',
  );
  await expect(wizard.getByTestId('export-root')).toContainText(root);
  await wizard.getByRole('textbox', { name: 'Output folder' }).fill('portal');
  await shot(page, testInfo, 'export-2-options');
  await wizard.getByRole('button', { name: 'Dry run' }).click();
  await expect(wizard.getByTestId('plan-totals')).toContainText('2 targets, 14 files, 20,160 rows');
  expect(existsSync(join(root, 'portal'))).toBe(false);
  const planned = await plannedFiles(page);
  expect(Object.keys(planned)).toHaveLength(14);
  await shot(page, testInfo, 'export-3-dry-run');

  await wizard.getByRole('button', { name: 'Run export' }).click();
  await expect(wizard.getByTestId('summary-totals')).toContainText('Wrote 14 files, 20,160 rows');
  await shot(page, testInfo, 'export-4-summary');
  // On disk: exactly the planned files, and export.json agrees with the dry run's numbers.
  const out = join(root, 'portal');
  expect(files(out)).toEqual([...Object.keys(planned), 'export.json'].sort());
  expect(metadataFiles(out)).toEqual(planned);

  // The finished export as one zip, downloaded by the browser.
  const [zip] = await Promise.all([
    page.waitForEvent('download'),
    wizard.getByRole('button', { name: 'Download as zip' }).click(),
  ]);
  const zipPath = testInfo.outputPath('portal.zip');
  await zip.saveAs(zipPath);
  expect(zip.suggestedFilename()).toBe('portal.zip');
  const listing = execFileSync('unzip', ['-Z1', zipPath]).toString().trim().split('\n').sort();
  expect(listing).toEqual(files(out).map((f) => `portal/${f}`));
  execFileSync('unzip', ['-tq', zipPath]);

  // Save as profile: a transaction of the app; the toolbar, the tree and the history follow.
  const before = await page.locator('.toolbar').textContent();
  const txnBefore = Number(/latest transaction (\d+)/.exec(before ?? '')![1]);
  await wizard.getByRole('textbox', { name: 'Profile name' }).fill('portal');
  await wizard.getByRole('button', { name: 'Save profile' }).click();
  await expect(wizard.getByTestId('profile-saved')).toContainText(
    `Saved /etc/exports/portal.yaml (transaction ${txnBefore + 1})`,
  );
  await shot(page, testInfo, 'export-5-profile-saved');
  await wizard.getByRole('button', { name: 'Done' }).click();
  await expect(page.locator('.toolbar')).toContainText(`latest transaction ${txnBefore + 1}`);
  await openPath(page, '/etc/exports/portal.yaml');
  await expect(treeItem(page, '/etc/exports/portal.yaml')).toContainText('export profile');
  await tab(page, 'History').click();
  await expect(page.locator('tr').nth(1)).toContainText(
    'app export save-profile /etc/exports/portal.yaml',
  );
  await shot(page, testInfo, 'export-6-profile-in-tree');

  // The profile from the CLI (as cron would run it) writes the same files.
  const hashes = Object.fromEntries(
    files(out)
      .filter((f) => f !== 'export.json')
      .map((f) => [f, sha(join(out, f))]),
  );
  const cli = execFileSync(process.execPath, [
    'bin/pond.js',
    '--pond',
    join(demo.appData, 'demo-pond'),
    'export',
    '--profile',
    '/etc/exports/portal.yaml',
  ]).toString();
  expect(cli).toMatch(/Exported 2 targets .*: 14 files, 20160 rows/);
  expect(
    Object.fromEntries(
      files(out)
        .filter((f) => f !== 'export.json')
        .map((f) => [f, sha(join(out, f))]),
    ),
  ).toEqual(hashes);
  expect(metadataFiles(out)).toEqual(planned);

  // The profile opens the wizard again from the tree.
  await treeItem(page, '/etc/exports/portal.yaml')
    .getByRole('button', { name: /Open the export profile/ })
    .click();
  const again = page.getByRole('dialog', { name: 'Export' });
  await expect(again.getByRole('heading', { level: 2 })).toContainText('/etc/exports/portal.yaml');
  await expect(again.getByRole('textbox', { name: 'Pattern 1' })).toHaveValue(
    '/sites/*/water.series',
  );
  await shot(page, testInfo, 'export-7-from-profile');
});

test('an output folder outside the export root is refused', async ({ page }, testInfo) => {
  const outside = mkdtempSync(join(e2eDir(), 'outside-'));
  await page.goto(demo.url);
  await openPath(page, '/sites/north/water.series');
  const wizard = await openWizard(page);
  await wizard.getByRole('button', { name: 'Next' }).click();
  for (const dir of ['../outside', outside]) {
    await wizard.getByRole('textbox', { name: 'Output folder' }).fill(dir);
    await wizard.getByRole('button', { name: 'Dry run' }).click();
    const error = wizard.getByRole('alert');
    await expect(error).toHaveAttribute('data-code', 'PATH_ESCAPE');
    await expect(error).toContainText('is outside the export root');
    await shot(page, testInfo, `export-outside-root-${dir === outside ? 'absolute' : 'dotdot'}`);
    await wizard.getByRole('button', { name: 'Back' }).click();
  }
  expect(readdirSync(outside)).toEqual([]);
  expect(existsSync(join(e2eDir(), 'outside'))).toBe(false);
});

test('a folder holding files no export wrote is refused at the dry run', async ({
  page,
}, testInfo) => {
  // An earlier export, then the user's notes in a target's folder.
  const out = join(root, 'kept-notes');
  execFileSync(process.execPath, [
    'bin/pond.js',
    '--pond',
    join(demo.appData, 'demo-pond'),
    'export',
    '-p',
    '/sites/*/water.series',
    '--dir',
    out,
  ]);
  writeFileSync(join(out, 'north', 'notes.txt'), 'calibrated the probe on 2024-07-03');
  const before = listing(out);
  await page.goto(demo.url);
  await openPath(page, '/sites/north/water.series');
  const wizard = await openWizard(page);
  await wizard.getByRole('textbox', { name: 'Pattern 1' }).fill('/sites/*/water.series');
  await expect(
    wizard.getByRole('table', { name: 'Matches of pattern 1' }).locator('tbody tr'),
  ).toHaveCount(2);
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('textbox', { name: 'Output folder' }).fill('kept-notes');
  await wizard.getByRole('button', { name: 'Dry run' }).click();
  const error = wizard.getByRole('alert');
  await expect(error).toHaveAttribute('data-code', 'ALREADY_EXISTS');
  await expect(error).toContainText('holds a file no export wrote');
  await expect(error).toContainText('north/notes.txt');
  await expect(wizard.getByRole('button', { name: 'Run export' })).toBeDisabled();
  await shot(page, testInfo, 'export-refused-not-ours');
  expect(listing(out)).toEqual(before);
  expect(readFileSync(join(out, 'north', 'notes.txt'), 'utf8')).toBe(
    'calibrated the probe on 2024-07-03',
  );
});

test('cancelling an export midway leaves no partial partition', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await page.goto(big.url);
  await openPath(page, '/big/readings.series');
  const wizard = await openWizard(page);
  await expect(wizard.getByRole('textbox', { name: 'Pattern 1' })).toHaveValue(
    '/big/readings.series',
  );
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard
    .getByRole('combobox', { name: 'Partition by time' })
    .selectOption({ label: 'year / month / day / hour / minute' });
  await wizard.getByRole('textbox', { name: 'Output folder' }).fill('cancelled');
  await wizard.getByRole('button', { name: 'Dry run' }).click();
  await expect(wizard.getByTestId('plan-totals')).toContainText('5,000,000 rows', {
    timeout: 60_000,
  });
  await expect(wizard.getByRole('note').first()).toContainText('thousands of small partitions');
  await shot(page, testInfo, 'export-cancel-1-dry-run');
  await wizard.getByRole('button', { name: 'Run export' }).click();
  await expect(wizard.getByTestId('run-progress')).toBeVisible();
  await shot(page, testInfo, 'export-cancel-2-running');
  await wizard.getByRole('button', { name: 'Cancel' }).click();
  await expect(wizard.getByTestId('run-state')).toContainText('Cancelled', { timeout: 60_000 });
  await shot(page, testInfo, 'export-cancel-3-cancelled');
  expect(existsSync(join(root, 'cancelled'))).toBe(false);
  expect(
    readdirSync(root).filter((n) => n.includes('staging') || n.startsWith('cancelled')),
  ).toEqual([]);
});

test('export this result: the whole SQL result as CSV, compared with plain DuckDB', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await page.goto(big.url);
  await openPath(page, '/big/readings.series');
  const editor = page.getByRole('textbox', { name: 'SQL over source' });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  const sql = 'SELECT timestamp, idx, value FROM source WHERE idx % 1000 = 7';
  await page.keyboard.type(sql);
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('total-rows')).toHaveText('5,000 rows');
  const idx = page.getByRole('columnheader', { name: /idx/ });
  await idx.click();
  await idx.click();
  await expect(idx).toHaveAttribute('aria-sort', 'descending');
  await shot(page, testInfo, 'result-1-sql-sorted');
  await page.getByRole('combobox', { name: 'Result format' }).selectOption('csv');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export result…' }).click(),
  ]);
  await expect(page.getByTestId('result-done')).toContainText('5,000 rows');
  await shot(page, testInfo, 'result-2-downloaded');
  expect(download.suggestedFilename()).toBe('readings.csv');
  const ours = testInfo.outputPath('readings.csv');
  await download.saveAs(ours);

  // Plain DuckDB on the same data and query: the same rows in the same order, each value as
  // DuckDB has it (times read back from their ISO-8601 text).
  const duck = await DuckDBInstance.create(':memory:');
  const c = await duck.connect();
  const plain = (
    await c.runAndReadAll(
      `SELECT epoch_ms(timestamp)::DOUBLE AS t, idx::DOUBLE AS idx, value FROM read_parquet('${join(e2eDir(), 'five-million.parquet')}')
       WHERE idx % 1000 = 7 ORDER BY idx DESC`,
    )
  ).getRowObjectsJS() as { t: number; idx: number; value: number }[];
  c.closeSync();
  const lines = readFileSync(ours, 'utf8').split('\n');
  expect(lines[0]).toBe('timestamp,idx,value');
  expect(lines.at(-1)).toBe('');
  const rows = lines.slice(1, -1).map((l) => l.split(','));
  expect(rows).toHaveLength(5000); // the whole result: the grid had loaded one page of 1,000
  expect(rows[0]!.join(',')).toMatch(/^2020-02-27T\d\d:\d\d:\d\dZ,4999007,0\.7$/);
  expect(rows.map(([t, idx, value]) => [Date.parse(t!), Number(idx), Number(value)])).toEqual(
    plain.map((r) => [r.t, r.idx, r.value]),
  );
});
