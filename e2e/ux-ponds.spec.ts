/**
 * Issue 16 on ponds of its own, in Chromium against real `pond serve` processes: tabs that close
 * a pond independently, the recent list (missing ponds, removing entries), the server stopping
 * and coming back under a page, a 12-column series in a narrow window, and data files of every
 * kind in the Data tab.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { SKIP_REASON, chromiumMissing, e2eDir } from './support/environment';
import { openPath, shot, tab, treeItem } from './support/pages';
import { startServe, type Served } from './support/serve';

test.skip(chromiumMissing, SKIP_REASON);

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
/** Twelve numeric columns with long names, as a logger writes them. */
const COLUMNS = Array.from({ length: 12 }, (_, i) => `sensor_${i + 1}_dissolved_oxygen_mg_l`);

let dir: string;
let pond: string;
let served: Served;

function pondCli(...args: string[]): void {
  execFileSync(process.execPath, ['bin/pond.js', '--pond', pond, ...args], { stdio: 'pipe' });
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(e2eDir(), 'ux-pond-'));
  pond = join(dir, 'pond');
  const csv = join(dir, 'logger.csv');
  const rows = Array.from({ length: 48 }, (_, h) =>
    [
      new Date(Date.UTC(2024, 0, 1, h)).toISOString(),
      ...COLUMNS.map((_, i) => (8 + i + Math.sin(h / 4)).toFixed(3)),
    ].join(','),
  );
  writeFileSync(csv, ['timestamp', ...COLUMNS].join(',') + '\n' + rows.join('\n') + '\n');
  writeFileSync(join(dir, 'pixel.png'), PNG);
  writeFileSync(join(dir, 'site.json'), '{"site":"lake","depths":[1,5,10]}');
  writeFileSync(join(dir, 'stations.csv'), 'id;name\n1;"North, intake"\n2;South\n');
  writeFileSync(join(dir, 'notes.txt'), 'Calibrated on 2024-01-02.\n');
  writeFileSync(join(dir, 'raw.bin'), Buffer.from([0, 1, 2, 3, 254, 255]));
  pondCli('init', '--birthplace', 'e2e-ux');
  pondCli('mkdir', '/lake');
  pondCli('mkdir', '/docs');
  pondCli('copy', `host+csv+series://${csv}`, '/lake/logger.series');
  for (const f of ['pixel.png', 'site.json', 'stations.csv', 'notes.txt', 'raw.bin'])
    pondCli('copy', `host://${join(dir, f)}`, `/docs/${f}`);
  served = await startServe({ path: pond });
});
test.afterAll(async () => {
  await served?.stop();
});

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error('not on screen');
  return b;
}

test('closing the pond in one tab leaves it working in another', async ({ context }, testInfo) => {
  const a = await context.newPage();
  const b = await context.newPage();
  for (const p of [a, b]) {
    await p.goto(served.url);
    await openPath(p, '/lake/logger.series');
    await expect(p.getByTestId('total-rows')).toHaveText('48 rows');
  }
  await a.getByRole('button', { name: 'Close pond' }).click();
  await expect(a.getByRole('main', { name: 'Start' })).toBeVisible();

  // Tab B goes on: another node, another query, the tree.
  await openPath(b, '/docs/notes.txt');
  await expect(b.getByTestId('data-file')).toContainText('Calibrated on 2024-01-02.');
  await openPath(b, '/lake/logger.series');
  await expect(b.getByTestId('total-rows')).toHaveText('48 rows');
  await expect(b.getByRole('alert')).toHaveCount(0);
  await shot(b, testInfo, 'ux-tab-b-after-a-closed');

  // Tab A opens it again from the recent list.
  await a.getByRole('button', { name: 'pond', exact: true }).click();
  await expect(treeItem(a, '/lake')).toBeVisible();
});

test('the recent list marks a pond that is gone and removes entries', async ({
  page,
}, testInfo) => {
  const gone = join(dir, 'gone-pond');
  execFileSync(process.execPath, ['bin/pond.js', '--pond', gone, 'init', '--birthplace', 'gone']);
  // A server on the same data folder opens it (so it is on the list), then it is deleted.
  const other = await startServe({ path: gone }, { appData: served.appData });
  await other.stop();
  rmSync(gone, { recursive: true });

  await page.goto(served.url);
  await page.getByRole('button', { name: 'Close pond' }).click();
  const entry = page.locator('.recent li', { hasText: 'gone-pond' });
  await expect(entry).toHaveAttribute('data-missing', 'true');
  await expect(entry.getByText('missing')).toBeVisible();
  await expect(entry.getByRole('button', { name: 'gone-pond', exact: true })).toBeDisabled();
  await shot(page, testInfo, 'ux-recent-missing');
  await entry.getByRole('button', { name: 'Remove gone-pond from the recent ponds' }).click();
  await expect(entry).toHaveCount(0);
  await expect(page.locator('.recent li', { hasText: /^pond/ })).toHaveCount(1);
});

/** A free port on 127.0.0.1, to restart a server on the same one. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

test('when the server stops, one banner says so, and the page carries on once it is back', async ({
  page,
}, testInfo) => {
  const port = await freePort();
  const env = { POND_SERVE_TOKEN: 'e2e-token-that-is-long-enough-0123456789' };
  let server = await startServe({ path: pond }, { port, env });
  try {
    await page.goto(server.url);
    await openPath(page, '/lake/logger.series');
    await expect(page.getByTestId('total-rows')).toHaveText('48 rows');
    await server.stop();

    // Whatever the user does next meets the one banner, not an error per panel.
    await tab(page, 'Details').click();
    await openPath(page, '/docs/site.json').catch(() => undefined);
    const banner = page.getByTestId('connection-banner');
    await expect(banner).toContainText('The connection to pond serve is lost');
    await expect(page.getByRole('alert')).toHaveCount(1);
    await expect(page.locator('[data-code="INTERNAL"]')).toHaveCount(0);
    await shot(page, testInfo, 'ux-connection-lost');

    server = await startServe({ path: pond }, { port, env });
    await expect(banner).toHaveCount(0, { timeout: 15_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);
    // The new server gave the pond a new handle: the page found it by its folder.
    await openPath(page, '/lake/logger.series');
    await tab(page, 'Data').click();
    await expect(page.getByTestId('total-rows')).toHaveText('48 rows');
    await shot(page, testInfo, 'ux-connection-back');

    // A server restarted with another token: the banner says what to do.
    await server.stop();
    server = await startServe({ path: pond }, { port });
    await page.getByRole('button', { name: 'Close pond' }).click();
    await expect(banner).toContainText('restarted with a new token', { timeout: 15_000 });
  } finally {
    await server.stop();
  }
});

test('twelve long column names: every checkbox can be chosen in a narrow window, in line with its label', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 800, height: 700 });
  await page.goto(served.url);
  await openPath(page, '/lake/logger.series');
  await tab(page, 'Chart').click();
  await expect(page.getByTestId('chart')).toBeVisible();
  const viewport = page.viewportSize()!;
  const boxes = page.locator('.chart-columns label');
  await expect(boxes).toHaveCount(12);
  for (let i = 0; i < 12; i++) {
    const label = boxes.nth(i);
    await label.scrollIntoViewIfNeeded();
    const input = await box(label.locator('input'));
    const text = await box(label);
    expect(input.x).toBeGreaterThanOrEqual(0);
    expect(input.x + input.width).toBeLessThanOrEqual(viewport.width);
    // The box sits on the text's line, centred with it.
    expect(Math.abs(input.y + input.height / 2 - (text.y + text.height / 2))).toBeLessThan(3);
  }
  const last = boxes.nth(11).locator('input');
  await last.check();
  await expect(last).toBeChecked();
  await expect(page.getByText(/48 points/)).toBeVisible();
  await shot(page, testInfo, 'ux-chart-twelve-columns');
});

async function showFile(page: Page, path: string): Promise<Locator> {
  await openPath(page, path);
  await expect(tab(page, 'Data')).toHaveAttribute('aria-selected', 'true');
  return page.getByTestId('data-file');
}

test('data files show their content: text, JSON, CSV as a table, an image, and bytes', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await expect(await showFile(page, '/docs/notes.txt')).toContainText('Calibrated on 2024-01-02.');

  const json = await showFile(page, '/docs/site.json');
  await expect(json).toHaveAttribute('data-format', 'json');
  await expect(json.locator('pre')).toHaveText(
    JSON.stringify({ site: 'lake', depths: [1, 5, 10] }, null, 2),
  );

  const csv = await showFile(page, '/docs/stations.csv');
  await expect(csv.locator('th')).toHaveText(['id', 'name']);
  await expect(csv.locator('tbody tr').first().locator('td')).toHaveText(['1', 'North, intake']);
  await shot(page, testInfo, 'ux-data-csv');

  const image = await showFile(page, '/docs/pixel.png');
  await expect(image).toHaveAttribute('data-format', 'image');
  await expect
    .poll(() => image.locator('img').evaluate((el: HTMLImageElement) => el.naturalWidth))
    .toBe(1);

  const bytes = await showFile(page, '/docs/raw.bin');
  await expect(bytes.locator('pre')).toContainText('00 01 02 03 fe ff');
  await shot(page, testInfo, 'ux-data-binary');
});
