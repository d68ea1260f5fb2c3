/**
 * What a new user tripped over in the app (issue 16), on the demo pond in Chromium against a
 * real `pond serve`: each class of defect with a test that would have caught it.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { SKIP_REASON, chromiumMissing } from './support/environment';
import { cell, openPath, shot, tab, treeItem } from './support/pages';
import { startServe, type Served } from './support/serve';

const NORTH = '/sites/north/water.series';
const SOUTH = '/sites/south/water.series';
const HOURLY = '/reduced/north/res=1h.series';

test.skip(chromiumMissing, SKIP_REASON);
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

let served: Served;
test.beforeAll(async () => {
  served = await startServe({ demo: true });
});
test.afterAll(async () => {
  await served?.stop();
});

async function typeSql(page: Page, sql: string): Promise<void> {
  await page.getByRole('textbox', { name: 'SQL over source' }).click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(sql);
  await page.keyboard.press('Control+Enter');
}

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error('not on screen');
  return b;
}

test('each node keeps its own query; another node, a derived one too, opens on its rows', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await openPath(page, NORTH);
  await typeSql(page, 'SELECT count(*) AS n, max(temperature) AS top FROM source');
  await expect(page.getByTestId('total-rows')).toHaveText('1 rows');

  await openPath(page, SOUTH);
  await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
  await expect(page.getByRole('textbox', { name: 'SQL over source' })).toHaveText(
    'SELECT * FROM source',
  );
  // A derived series has other columns: the last node's SQL would not even bind there.
  await openPath(page, HOURLY);
  await expect(page.getByTestId('total-rows')).toHaveText('168 rows');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await shot(page, testInfo, 'ux-query-derived-node');

  // Back on the first node: its query and its answer.
  await treeItem(page, NORTH).click();
  await expect(page.getByTestId('total-rows')).toHaveText('1 rows');
  await expect(page.getByRole('textbox', { name: 'SQL over source' })).toContainText('count(*)');
});

test.describe('in New York', () => {
  test.use({ timezoneId: 'America/New_York' });

  test('times are UTC everywhere by default, named so, and local everywhere when chosen', async ({
    page,
  }, testInfo) => {
    await page.goto(served.url);
    await openPath(page, NORTH);
    await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
    const header = page.getByRole('columnheader', { name: /timestamp/ });
    await expect(await cell(page, 0, 'timestamp')).toHaveText('2024-07-01T00:00:00Z');
    await expect(header).toContainText('· UTC');
    await expect(page.getByTestId('grid-zone')).toHaveText('Times in UTC');

    await tab(page, 'Chart').click();
    await expect(page.getByTestId('chart-zone')).toHaveText('Times in UTC');
    const over = page.locator('.u-over');
    const b = await box(over);
    await page.mouse.move(b.x + 2, b.y + b.height / 2);
    const legendTime = page.locator('.u-legend .u-series').first().locator('.u-value');
    await expect(legendTime).toHaveText(/^2024-07-01T00:\d\d:\d\d(\.\d+)?Z$/);
    await shot(page, testInfo, 'ux-zone-utc-chart');

    await page.getByTestId('zone-button').click();
    await expect(page.getByTestId('chart-zone')).toHaveText('Times in local (America/New_York)');
    await page.mouse.move(b.x + 3, b.y + b.height / 2);
    await page.mouse.move(b.x + 2, b.y + b.height / 2);
    await expect(legendTime).toHaveText(/^2024-06-30T20:\d\d:\d\d(\.\d+)?-04:00$/);
    await shot(page, testInfo, 'ux-zone-local-chart');

    await tab(page, 'Data').click();
    await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
    await expect(await cell(page, 0, 'timestamp')).toHaveText('2024-06-30T20:00:00-04:00');
    await expect(header).toContainText('· local');
    await expect(page.getByTestId('grid-zone')).toContainText('local (America/New_York');
    await tab(page, 'Details').click();
    await expect(page.getByText(/^Time range \(local/)).toBeVisible();
    await expect(page.getByTestId('versions')).toContainText('-04:00');
    await tab(page, 'History').click();
    await expect(page.getByRole('columnheader', { name: 'Time (local)' })).toBeVisible();
    await shot(page, testInfo, 'ux-zone-local-history');

    // The choice is kept for the next visit; back to UTC.
    await page.reload();
    await expect(page.getByTestId('zone-button')).toHaveText('Times: local');
    await page.getByTestId('zone-button').click();
    await expect(page.getByTestId('zone-button')).toHaveText('Times: UTC');
  });
});

test('the grid: long names stay in their header, columns resize, numbers align right, every value can be read whole', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await openPath(page, NORTH);
  const long = 'temperature_in_degrees_celsius_measured_at_the_north_intake_every_minute';
  await typeSql(
    page,
    `SELECT timestamp, temperature / 3 AS ${long}, 'north' AS site, conductivity FROM source ORDER BY timestamp`,
  );
  await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
  const headers = page.getByRole('columnheader');
  // No header's text reaches into the next one.
  for (let i = 1; i < (await headers.count()) - 1; i++) {
    const h = await box(headers.nth(i));
    const next = await box(headers.nth(i + 1));
    const name = await box(headers.nth(i).locator('.col-name'));
    expect(name.x + name.width).toBeLessThanOrEqual(next.x + 1);
    expect(h.x + h.width).toBeLessThanOrEqual(next.x + 1);
  }

  // Numbers right, text left.
  const value = await cell(page, 0, long);
  expect(await value.evaluate((el) => getComputedStyle(el).textAlign)).toBe('right');
  expect(
    await (await cell(page, 0, 'site')).evaluate((el) => getComputedStyle(el).textAlign),
  ).not.toBe('right');

  // The whole double, on hover and in the row's panel.
  const full = (await value.getAttribute('title'))!;
  expect(full.length).toBeGreaterThan(10);
  await value.dblclick();
  const detail = page.getByTestId('row-detail');
  await expect(detail).toContainText('Row 1');
  await expect(detail.locator('dd').nth(1)).toHaveText(full);
  await shot(page, testInfo, 'ux-grid-row-detail');
  await detail.getByRole('button', { name: 'Close the row' }).click();
  await expect(detail).toHaveCount(0);

  // Drag a column's edge wider.
  const site = page.getByRole('columnheader', { name: /^site/ });
  const before = (await box(site)).width;
  const handle = await box(page.getByRole('separator', { name: 'Resize site' }));
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + 150, handle.y + handle.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await box(site)).width).toBeGreaterThan(before + 100);
  // The drag did not sort.
  await expect(site).toHaveAttribute('aria-sort', 'none');

  // On a very wide screen the columns fill the width.
  await page.setViewportSize({ width: 2600, height: 900 });
  await typeSql(page, 'SELECT timestamp, temperature FROM source');
  await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
  const grid = page.getByRole('grid');
  const row = page.locator('[role="row"][aria-rowindex="2"]');
  await expect
    .poll(async () => (await box(row)).width)
    .toBeGreaterThanOrEqual((await grid.evaluate((el) => el.clientWidth)) - 2);
  await shot(page, testInfo, 'ux-grid-wide');
});

test('a column profile of the whole result, and the SQL the grid runs, copied', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await openPath(page, NORTH);
  await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
  await page.getByRole('button', { name: 'Profile' }).click();
  const ts = page.getByLabel('Profile of timestamp');
  await expect(ts.getByTestId('profile-distinct')).toHaveText('distinct 10,080');
  await expect(ts.getByTestId('profile-nulls')).toHaveText('nulls 0 (0%)');
  await expect(ts.getByTestId('profile-min')).toHaveText('2024-07-01T00:00:00Z');
  await expect(ts.getByTestId('profile-max')).toHaveText('2024-07-07T23:59:00Z');
  await expect(page.getByLabel('Profile of temperature').locator('rect')).toHaveCount(16);
  await shot(page, testInfo, 'ux-profile');

  // Sorted by temperature, descending: the SQL says so, and runs to the same first row.
  const header = page.getByRole('columnheader', { name: /temperature/ });
  await header.click();
  await header.click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  const top = await (await cell(page, 0, 'temperature')).textContent();
  await page.getByRole('button', { name: 'Copy SQL' }).click();
  const sql = await page.evaluate(() => navigator.clipboard.readText());
  expect(sql).toBe(
    'SELECT * FROM (\nSELECT * FROM source\n) AS q\nORDER BY "temperature" DESC NULLS LAST',
  );
  await page.getByRole('button', { name: 'Copy as pond cat' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    `pond cat '${NORTH}' --format csv --sql '${sql}'`,
  );
  await typeSql(page, sql.replaceAll('\n', ' '));
  await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
  await expect(await cell(page, 0, 'temperature')).toHaveText(top!);
});

test('the tree filter opens the way to every match, says when nothing matches, and explains a bad pattern', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  const filter = page.getByRole('searchbox', { name: 'Filter the tree' });
  await filter.fill('*.series');
  // Matches in folders two levels down show without a click.
  await expect(treeItem(page, NORTH)).toBeVisible();
  await expect(treeItem(page, HOURLY)).toBeVisible();
  await expect(treeItem(page, '/README.md')).toHaveCount(0);
  await expect(page.getByText('Showing the names that match')).toBeVisible();
  await shot(page, testInfo, 'ux-filter-matches');

  await filter.fill('nothing-has-this-name*');
  await expect(page.getByText('No names match')).toBeVisible();
  await expect(page.locator('[role="treeitem"][data-path]')).toHaveCount(0);

  await filter.fill('water.[ct]sv');
  const error = page.locator('.tree-filter-error').getByRole('alert');
  await expect(error).toHaveAttribute('data-code', 'INVALID_ARGUMENT');
  await expect(error).toContainText("'[' is not pattern syntax here");
  // The message fits the sidebar instead of running over the rows or off its edge.
  const sidebar = await box(page.locator('.sidebar'));
  const e = await box(error);
  expect(e.x + e.width).toBeLessThanOrEqual(sidebar.x + sidebar.width + 1);
  await shot(page, testInfo, 'ux-filter-error');

  await filter.fill('');
  await expect(treeItem(page, '/README.md')).toBeVisible();
});

test('View as of and Return to latest keep the open folders and the selection', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await openPath(page, NORTH);
  await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
  await tab(page, 'History').click();
  await page
    .locator('tr', { hasText: 'days 1-4' })
    .getByRole('button', { name: /View as of/ })
    .click();
  await expect(page.getByTestId('as-of-banner')).toBeVisible();
  await expect(treeItem(page, NORTH)).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.selected-path')).toHaveText(NORTH);
  await tab(page, 'Data').click();
  await expect(page.getByTestId('total-rows')).toHaveText('5,760 rows');
  await shot(page, testInfo, 'ux-as-of-kept');

  await page.getByRole('button', { name: 'Return to latest' }).click();
  await expect(treeItem(page, NORTH)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');

  // A node that did not exist then is dropped from the selection, not shown as an error.
  await openPath(page, HOURLY);
  await tab(page, 'History').click();
  await page
    .locator('tr', { hasText: 'days 1-4' })
    .getByRole('button', { name: /View as of/ })
    .click();
  await expect(page.locator('.selected-path')).toHaveText('Select a node in the tree');
  await expect(treeItem(page, NORTH)).toBeVisible();
});

test('a data file shows its content: Markdown rendered, or as text', async ({ page }, testInfo) => {
  await page.goto(served.url);
  await treeItem(page, '/README.md').click();
  await expect(tab(page, 'Data')).toHaveAttribute('aria-selected', 'true');
  const file = page.getByTestId('data-file');
  await expect(file).toHaveAttribute('data-format', 'markdown');
  await expect(file.getByRole('heading', { name: 'The demo pond' })).toBeVisible();
  await shot(page, testInfo, 'ux-data-markdown');
  await file.getByRole('button', { name: 'Text' }).click();
  await expect(file.locator('pre')).toContainText('# The demo pond');
});

test('a page load asks for nothing the server does not have (the favicon included)', async ({
  page,
}) => {
  const missing: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`);
  });
  const icon = page.waitForResponse((r) => r.url().endsWith('/favicon.svg'));
  await page.goto(served.url);
  await expect(treeItem(page, '/sites')).toBeVisible();
  expect((await icon).status()).toBe(200);
  await openPath(page, NORTH);
  await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
  expect(missing).toEqual([]);
});

test('at 800 px: History keeps times and buttons on one line, and the sidebar resizes', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 800, height: 700 });
  await page.goto(served.url);
  await tab(page, 'History').click();
  const row = page.locator('tr[data-txn]').nth(1);
  const time = row.locator('td').nth(1);
  await expect(time).toHaveText(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  // Each on one line: the rectangles of its text, one per line it takes.
  const lines = (l: Locator) =>
    l.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
    });
  expect(await lines(time)).toBe(1);
  expect(await lines(row.getByRole('button', { name: /View as of/ }))).toBe(1);
  await shot(page, testInfo, 'ux-history-800');

  const sidebar = page.locator('.sidebar');
  const before = (await box(sidebar)).width;
  const handle = await box(page.getByRole('separator', { name: 'Resize the tree' }));
  await page.mouse.move(handle.x + 2, handle.y + 100);
  await page.mouse.down();
  await page.mouse.move(handle.x - 100, handle.y + 100, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await box(sidebar)).width).toBeLessThan(before - 80);
});
