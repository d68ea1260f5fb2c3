import { expect, test } from '@playwright/test';
import { SKIP_REASON, chromiumMissing } from './support/environment';
import { cell, openPath, shot, tab, treeItem } from './support/pages';
import { useServe } from './support/serve';

// The demo pond: a week of 1-minute rows per site in two versions (days 1-4, then 5-7).
const SERIES = '/sites/north/water.series';

test.skip(chromiumMissing, SKIP_REASON);

const served = useServe({ demo: true });
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('opens the demo pond and expands the tree', async ({ page }, testInfo) => {
  await page.goto(served.url);
  await expect(page.getByRole('tree', { name: 'Pond tree' })).toBeVisible();
  // The token is kept for the session and removed from the address bar.
  expect(page.url()).not.toContain('token=');
  await expect(treeItem(page, '/README.md')).toBeVisible();
  await expect(treeItem(page, '/sites')).toHaveAttribute('aria-expanded', 'false');
  await treeItem(page, '/sites').click();
  await expect(treeItem(page, '/sites')).toHaveAttribute('aria-expanded', 'true');
  await expect(treeItem(page, '/sites/north')).toBeVisible();
  await expect(treeItem(page, '/sites/south')).toBeVisible();
  await treeItem(page, '/sites/north').click();
  await expect(treeItem(page, SERIES)).toHaveAttribute('data-kind', 'series');
  await shot(page, testInfo, 'tree');
});

test('a series shows its rows, sorts on the server, and copies cells as TSV', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await openPath(page, SERIES);
  await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
  await expect(page.getByRole('columnheader', { name: /timestamp/ })).toContainText(
    'TIMESTAMP WITH TIME ZONE',
  );
  await expect(await cell(page, 0, 'timestamp')).toHaveText('2024-07-01T00:00:00Z');
  await expect(await cell(page, 1, 'timestamp')).toHaveText('2024-07-01T00:01:00Z');
  await shot(page, testInfo, 'preview');

  // Descending by temperature: the engine sorts the whole result, not the visible page.
  const header = page.getByRole('columnheader', { name: /temperature/ });
  await header.click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await header.click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect(await cell(page, 0, 'timestamp')).not.toHaveText('2024-07-01T00:00:00Z');
  const top = Number(await (await cell(page, 0, 'temperature')).textContent());
  const next = Number(await (await cell(page, 1, 'temperature')).textContent());
  expect(top).toBeGreaterThanOrEqual(next);

  await (await cell(page, 0, 'temperature')).click();
  await (await cell(page, 2, 'conductivity')).click({ modifiers: ['Shift'] });
  await page.getByRole('grid').press('ControlOrMeta+c');
  await expect(page.getByText('Copied 3 × 2 cells as TSV')).toBeVisible();
  const tsv = await page.evaluate(() => navigator.clipboard.readText());
  const lines = tsv.split('\n').map((l) => l.split('\t'));
  expect(lines).toHaveLength(3);
  expect(lines.every((l) => l.length === 2)).toBe(true);
  expect(Number(lines[0]![0])).toBe(top);
});

test('runs SQL over source and shows a bad query’s DuckDB error', async ({ page }, testInfo) => {
  await page.goto(served.url);
  await openPath(page, SERIES);
  const editor = page.getByRole('textbox', { name: 'SQL over source' });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(
    "SELECT date_trunc('day', timestamp) AS day, count(*) AS n FROM source GROUP BY ALL ORDER BY 1",
  );
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('total-rows')).toHaveText('7 rows');
  await expect(await cell(page, 0, 'n')).toHaveText('1440');
  await expect(await cell(page, 6, 'day')).toHaveText('2024-07-07T00:00:00Z');
  await shot(page, testInfo, 'sql');

  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('SELECT no_such_column FROM source');
  await page.keyboard.press('Control+Enter');
  const error = page.getByRole('alert');
  await expect(error).toHaveAttribute('data-code', 'SQL_ERROR');
  await expect(error).toContainText('no_such_column');
  await expect(error).toContainText(/not found|does not have/i);
  await shot(page, testInfo, 'sql-error');

  // Both queries are in this pond's history.
  const history = page.getByRole('combobox', { name: 'Query history' });
  await expect(history.locator('option')).toHaveCount(3);
});

/** Counts the canvas's pixels that differ from its top-left pixel (the background). */
async function paintedPixels(page: import('@playwright/test').Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="chart"] canvas');
    if (!canvas) return -1;
    const ctx = canvas.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (
        data[i + 3]! > 0 &&
        (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2])
      )
        painted++;
    }
    return painted;
  });
}

test('the chart draws a series and zooms into a window', async ({ page }, testInfo) => {
  await page.goto(served.url);
  await openPath(page, SERIES);
  await tab(page, 'Chart').click();
  await expect(page.getByText(/points \(min\/max per bucket\)/)).toBeVisible();
  await expect.poll(() => paintedPixels(page)).toBeGreaterThan(500);
  await shot(page, testInfo, 'chart');

  // Drag across a tenth of the plot: the chart asks the engine for that window only.
  const over = page.locator('.u-over');
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByRole('button', { name: 'Reset zoom' })).toBeEnabled();
  // About 1/20 of 10,080 minutes: below the point budget, so raw rows, not min/max buckets.
  await expect(page.getByText(/^\d+ points · drag to zoom/)).toBeVisible();
  await expect.poll(() => paintedPixels(page)).toBeGreaterThan(500);
  await page.getByRole('button', { name: 'Pan right' }).click();
  await expect(page.getByText(/^\d+ points · drag to zoom/)).toBeVisible();
});

// Needs the temporal-reduce factory (pond/factories): the demo pond's /reduced views.
test('the chart switches between res= resolutions', async ({ page }, testInfo) => {
  await page.goto(served.url);
  await expect(treeItem(page, '/reduced')).toBeVisible();
  await expect(treeItem(page, '/reduced')).toContainText('temporal-reduce');
  await treeItem(page, '/reduced').click();
  await treeItem(page, '/reduced/north').click();
  await openPath(page, '/reduced/north/res=1h.series');
  await tab(page, 'Chart').click();
  const picker = page.getByRole('combobox', { name: 'Resolution' });
  await expect(picker.locator('option')).toHaveText(['res=1h', 'res=1d']);
  await expect(page.getByText('168 points · drag to zoom')).toBeVisible();
  await picker.selectOption({ label: 'res=1d' });
  await expect(page.getByText('7 points · drag to zoom')).toBeVisible();
  await expect.poll(() => paintedPixels(page)).toBeGreaterThan(100);
  await shot(page, testInfo, 'chart-resolution');
});

test('history: viewing as of an earlier transaction shows the earlier state', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await openPath(page, SERIES);
  await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
  await tab(page, 'History').click();
  const first = page.locator('tr', { hasText: 'days 1-4' });
  const txn = await first.getAttribute('data-txn');
  await first.getByRole('button', { name: /View as of/ }).click();
  const banner = page.getByTestId('as-of-banner');
  await expect(banner).toContainText(`as of transaction ${txn}`);
  await expect(banner).toContainText('read-only');

  // As of the first import: one version of four days, and no derived views yet.
  await expect(treeItem(page, '/sites')).toBeVisible();
  await expect(treeItem(page, '/reduced')).toHaveCount(0);
  await openPath(page, SERIES);
  await tab(page, 'Data').click();
  await expect(page.getByTestId('total-rows')).toHaveText('5,760 rows');
  await tab(page, 'Details').click();
  await expect(page.getByTestId('versions').locator('tbody tr')).toHaveCount(1);
  await shot(page, testInfo, 'history-as-of');

  await banner.getByRole('button', { name: 'Return to latest' }).click();
  await expect(banner).toHaveCount(0);
  await openPath(page, SERIES);
  await tab(page, 'Details').click();
  await expect(page.getByTestId('versions').locator('tbody tr')).toHaveCount(2);
  await tab(page, 'History').click();
  await shot(page, testInfo, 'history');
});

test('the tree is driven by the keyboard', async ({ page }) => {
  await page.goto(served.url);
  const tree = page.getByRole('tree', { name: 'Pond tree' });
  await expect(treeItem(page, '/sites')).toBeVisible();
  await tree.focus();
  const focused = () =>
    tree.getAttribute('aria-activedescendant').then((id) => page.locator(`#${id}`));
  await tree.press('End');
  await expect(await focused()).toHaveAttribute('data-path', '/system');
  await tree.press('ArrowUp');
  await expect(await focused()).toHaveAttribute('data-path', '/sites');
  await tree.press('ArrowRight');
  await expect(treeItem(page, '/sites')).toHaveAttribute('aria-expanded', 'true');
  await tree.press('ArrowRight');
  await expect(await focused()).toHaveAttribute('data-path', '/sites/north');
  await tree.press('Enter');
  await expect(treeItem(page, '/sites/north')).toHaveAttribute('aria-expanded', 'true');
  await tree.press('ArrowDown');
  await expect(await focused()).toHaveAttribute('data-path', SERIES);
  await tree.press('Enter');
  await expect(treeItem(page, SERIES)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
  await tree.press('ArrowLeft');
  await expect(await focused()).toHaveAttribute('data-path', '/sites/north');
  await tree.press('ArrowLeft');
  await expect(treeItem(page, '/sites/north')).toHaveAttribute('aria-expanded', 'false');
  await tree.press('Home');
  await expect(await focused()).toHaveAttribute('data-path', '/README.md');
  await tree.press('ArrowDown');
  await expect(await focused()).toHaveAttribute('data-path', '/reduced');
});

test('details, dark mode, and the start screen', async ({ page }, testInfo) => {
  await page.goto(served.url);
  await openPath(page, SERIES);
  await tab(page, 'Details').click();
  await expect(page.getByTestId('entry-type')).toHaveText('series');
  await expect(page.getByText('2024-07-01T00:00:00')).toBeTruthy();
  await shot(page, testInfo, 'details');

  await page.getByRole('button', { name: /^Theme:/ }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(23, 25, 28)');
  await shot(page, testInfo, 'dark');

  await page.getByRole('button', { name: 'Close pond' }).click();
  await expect(page.getByRole('main', { name: 'Start' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'demo-pond', exact: true })).toBeVisible();
  await shot(page, testInfo, 'start');
  await page.getByRole('button', { name: 'Open the demo pond' }).click();
  await expect(treeItem(page, '/sites')).toBeVisible();
});

test("a collector's config shows in the Data tab as its text", async ({ page }, testInfo) => {
  // A factory node's config is read as a Node Buffer: it must reach the page as bytes.
  await page.goto(served.url);
  await openPath(page, '/system/etc/20-hydrovu');
  const data = page.getByRole('tabpanel');
  await expect(data).toContainText('hydrovu_path: /hydrovu');
  await expect(data).toContainText('{ name: pier, id: 1001 }');
  await expect(page.getByText(/INTERNAL|TextDecoder/)).toHaveCount(0);
  await shot(page, testInfo, 'collector-config');
});
