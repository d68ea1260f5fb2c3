import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { SKIP_REASON, chromiumMissing, e2eDir } from './support/environment';
import { cell, openPath, shot, treeItem } from './support/pages';
import { startServe, type Served } from './support/serve';

// The big pond (e2e/support/make-ponds.mjs): /big/readings.series has 5,000,000 rows, one a
// second from 2020-01-01 (idx 0..4999999); /many holds 100,000 files f000000.txt..f099999.txt.
const ROWS = 5_000_000;

test.skip(chromiumMissing, SKIP_REASON);

let served: Served;
test.beforeAll(async () => {
  served = await startServe({ path: join(e2eDir(), 'big-pond') });
});
test.afterAll(async () => {
  await served?.stop();
});

test('a 5M-row series scrolls to its last row', async ({ page }, testInfo) => {
  await page.goto(served.url);
  await openPath(page, '/big/readings.series');
  await expect(page.getByTestId('total-rows')).toHaveText('5,000,000 rows');
  await expect(await cell(page, 0, 'idx')).toHaveText('0');

  // Drag the scrollbar to the end: the grid maps it to the last row and reads only that page.
  const grid = page.getByRole('grid');
  await grid.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  const last = page.locator(`[role="row"][aria-rowindex="${ROWS + 1}"]`);
  await expect(last.getByRole('rowheader')).toHaveText('5,000,000');
  await expect(await cell(page, ROWS - 1, 'idx')).toHaveText('4999999');
  const lastTime = new Date(Date.UTC(2020, 0, 1) + (ROWS - 1) * 1000).toISOString();
  await expect(await cell(page, ROWS - 1, 'timestamp')).toHaveText(lastTime.replace('.000', ''));
  await expect(last).toBeInViewport();
  await shot(page, testInfo, 'five-million-end');

  // The keyboard gets there too, and back.
  await grid.press('ControlOrMeta+Home');
  await expect(await cell(page, 0, 'idx')).toHaveText('0');
  await grid.press('ControlOrMeta+End');
  await expect(await cell(page, ROWS - 1, 'idx')).toHaveText('4999999');
  // Halfway down the scrollbar is halfway through the rows.
  await grid.evaluate((el) => el.scrollTo({ top: (el.scrollHeight - el.clientHeight) / 2 }));
  const mid = page.locator('[role="row"][aria-rowindex]').nth(1);
  await expect
    .poll(async () => Number((await mid.getAttribute('aria-rowindex')) ?? 0))
    .toBeGreaterThan(ROWS * 0.49);
  await expect(mid.getByRole('gridcell').nth(1)).not.toHaveText('…');
});

test('a 100,000-entry directory opens at once and scrolls to its end', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await treeItem(page, '/many').click();
  await expect(treeItem(page, '/many/f000000.txt')).toBeVisible();
  await expect(treeItem(page, '/many/f000000.txt')).toHaveAttribute('aria-setsize', '100000');

  const tree = page.getByRole('tree', { name: 'Pond tree' });
  // Scroll in steps, as a wheel does, then jump to the end.
  for (let i = 1; i <= 5; i++) {
    await tree.evaluate((el, f) => el.scrollTo({ top: el.scrollHeight * f }), i / 10);
  }
  await expect(
    treeItem(page, '/many/f050000.txt').or(page.locator('[aria-posinset="50001"]')),
  ).toHaveCount(1);
  await tree.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(treeItem(page, '/many/f099999.txt')).toBeVisible();
  await shot(page, testInfo, 'hundred-thousand');

  // The keyboard's End reaches the last entry as well.
  await tree.focus();
  await tree.press('Home');
  await tree.press('End');
  await expect(treeItem(page, '/many/f099999.txt')).toBeVisible();

  // The filter is applied by the engine; directories stay so the tree can be walked.
  await page.getByRole('searchbox', { name: 'Filter the tree' }).fill('f09999*');
  await expect(treeItem(page, '/many/f099990.txt')).toBeVisible();
  await expect(page.locator('[role="treeitem"][data-path^="/many/"]')).toHaveCount(10);
});
