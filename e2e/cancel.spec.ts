/**
 * Stopping long queries from the app, in Chromium against real `pond serve` processes: the SQL
 * box's elapsed time and Cancel (and Esc), and the queries the app drops on its own when the
 * user moves on (another node, another query, the tab closed). That the engine really stopped is
 * read from outside, from the server process's CPU time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { BUSY, coresBusy, idleLimit } from '../pond/serve/test/cpu-time.js';
import { SKIP_REASON, chromiumMissing, e2eDir } from './support/environment';
import { openPath, shot, tab, treeItem } from './support/pages';
import { startServe, useServe, type Served } from './support/serve';

const SERIES = '/sites/north/water.series';
/** DuckDB does not shortcut the count of a cross product: 10^12 rows, hours of work. */
const CROSS = 'SELECT count(*) AS n FROM range(1000000) a, range(1000000) b';

test.skip(chromiumMissing, SKIP_REASON);

async function typeSql(page: Page, sql: string): Promise<void> {
  await page.getByRole('textbox', { name: 'SQL over source' }).click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(sql);
  await page.keyboard.press('Control+Enter');
}

/** How busy the last running query kept the server (what "idle" after it is measured against). */
let lastBusy = 0;

/** The query has the server's cores (so "idle" afterwards means something). */
async function expectBusy(served: Served): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  lastBusy = await coresBusy(served.pid, 1500);
  expect(lastBusy).toBeGreaterThan(BUSY);
}

/** Within a second the server is near idle (measured over the 1.5 s after). */
async function expectIdleSoon(served: Served): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000));
  expect(await coresBusy(served.pid, 1500)).toBeLessThan(idleLimit(lastBusy));
}

test.describe('the demo pond', () => {
  const served = useServe({ demo: true });

  test('a long query in the SQL box shows its time, and Cancel (or Esc) stops it in the engine', async ({
    page,
  }, testInfo) => {
    await page.goto(served.url);
    await openPath(page, SERIES);
    await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');

    await typeSql(page, CROSS);
    const elapsed = page.getByTestId('query-elapsed');
    await expect(elapsed).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'Running' })).toContainText(
      '(limit 120 s)',
    );
    await expectBusy(served);
    // The time goes on while it runs.
    const first = parseFloat((await elapsed.textContent())!);
    await expect
      .poll(async () => parseFloat((await elapsed.textContent())!))
      .toBeGreaterThan(first);
    await shot(page, testInfo, 'cancel-1-running');

    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('query-cancelled')).toHaveText(
      /^Query cancelled after \d+\.\d s$/,
    );
    // Said so, not an error box full of DuckDB text.
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.getByTestId('query-elapsed')).toHaveCount(0);
    await shot(page, testInfo, 'cancel-2-cancelled');
    await expectIdleSoon(served);

    // The grid is usable again: another query answers.
    await typeSql(
      page,
      "SELECT date_trunc('day', timestamp) AS day, count(*) AS n FROM source GROUP BY ALL",
    );
    await expect(page.getByTestId('total-rows')).toHaveText('7 rows');
    await shot(page, testInfo, 'cancel-3-usable');

    // Esc does what Cancel does, from the editor.
    await typeSql(page, CROSS);
    await expect(page.getByTestId('query-elapsed')).toBeVisible();
    await expectBusy(served);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('query-cancelled')).toBeVisible();
    await shot(page, testInfo, 'cancel-4-escape');
    await expectIdleSoon(served);

    // Running the same SQL again runs it again (and Reset brings back the node's rows).
    await page.getByRole('button', { name: /^Run/ }).click();
    await expect(page.getByTestId('query-elapsed')).toBeVisible();
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
    await expectIdleSoon(served);
  });

  test('moving on stops the query: another node, another query, the tab closed', async ({
    page,
    context,
  }, testInfo) => {
    await page.goto(served.url);
    await openPath(page, SERIES);
    await typeSql(page, CROSS);
    await expect(page.getByTestId('query-elapsed')).toBeVisible();
    await expectBusy(served);
    await shot(page, testInfo, 'move-1-running');

    // Another node: it opens on its own rows, and the cross join is stopped.
    await openPath(page, '/sites/south/water.series');
    await expect(page.getByTestId('total-rows')).toHaveText('10,080 rows');
    await shot(page, testInfo, 'move-2-other-node');
    await expectIdleSoon(served);

    // Another query in the same box supersedes the running one.
    await typeSql(page, CROSS);
    await expectBusy(served);
    await typeSql(page, 'SELECT 42 AS answer');
    await expect(page.getByTestId('total-rows')).toHaveText('1 rows');
    await shot(page, testInfo, 'move-3-other-query');
    await expectIdleSoon(served);

    // The tab closed while a query runs.
    await typeSql(page, CROSS);
    await expectBusy(served);
    await page.close();
    await expectIdleSoon(served);
    // The server serves the next tab.
    const next = await context.newPage();
    await next.goto(served.url);
    await expect(treeItem(next, '/sites')).toBeVisible();
  });
});

test.describe('a pond with a derived series that takes hours to scan', () => {
  let served: Served;
  test.beforeAll(async () => {
    const dir = mkdtempSync(join(e2eDir(), 'slow-pond-'));
    const pond = join(dir, 'pond');
    const csv = join(dir, 'readings.csv');
    writeFileSync(
      csv,
      'timestamp,x\n' +
        Array.from(
          { length: 50 },
          (_, i) => `${new Date(Date.UTC(2024, 0, 1, i)).toISOString()},${i}`,
        ).join('\n') +
        '\n',
    );
    const yaml = join(dir, 'slow.yaml');
    writeFileSync(
      yaml,
      `patterns: { source: "series:///readings.series" }
query: "SELECT s.timestamp, s.x + r.range AS x FROM source s, range(1000000000) r"
`,
    );
    const pondCli = (...args: string[]) =>
      execFileSync(process.execPath, ['bin/pond.js', '--pond', pond, ...args], { stdio: 'pipe' });
    pondCli('init', '--birthplace', 'e2e');
    pondCli('copy', `host+csv+series://${csv}`, '/readings.series');
    pondCli('mknod', 'sql-derived-series', '/slow.series', '--config-path', yaml);
    served = await startServe({ path: pond });
  });
  test.afterAll(async () => {
    await served?.stop();
  });

  // Its Chart and Details tabs start by scanning it for its time range (it records none).
  test('the scan behind its Chart tab stops when another node is selected, or on Cancel', async ({
    page,
  }, testInfo) => {
    await page.goto(served.url);
    await openPath(page, '/readings.series');
    await tab(page, 'Chart').click();
    await expect(page.getByTestId('chart')).toBeVisible();

    await openPath(page, '/slow.series');
    await expect(tab(page, 'Chart')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('query-elapsed')).toBeVisible();
    await expectBusy(served);
    await shot(page, testInfo, 'chart-1-running');

    await openPath(page, '/readings.series');
    await expect(page.getByTestId('chart')).toBeVisible();
    await shot(page, testInfo, 'chart-2-other-node');
    await expectIdleSoon(served);

    // Its Cancel button stops it too.
    await openPath(page, '/slow.series');
    await expect(page.getByTestId('query-elapsed')).toBeVisible();
    await expectBusy(served);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('query-cancelled')).toHaveText(
      'Reading /slow.series was cancelled',
    );
    await shot(page, testInfo, 'chart-3-cancelled');
    await expectIdleSoon(served);
  });
});
