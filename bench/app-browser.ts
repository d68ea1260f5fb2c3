/**
 * app-browser: the app as a user sees it, in Debian's Chromium against `pond serve` (in this
 * process) on a pond with a 5M-row series:
 * (a) first tree paint: from navigating to the page to the tree's first row on screen, vs plain
 *     DuckDB opening the series' Parquet file and reading its first rows (what the page waits
 *     for at the least);
 * (b) scrolling the 5M-row grid: frame intervals while the grid is scrolled smoothly for 3 s and
 *     then dragged across the whole result (bar: p99 frame interval < 50 ms, no frame > 200 ms),
 *     and whether the rows on screen at the end have arrived.
 * Skips with a printed reason when /usr/bin/chromium or the renderer bundle is missing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { DuckSession } from '../pond/duckdb/session.js';
import { literal } from '../pond/duckdb/sql.js';
import { startServer } from '../pond/serve/http-server.js';
import { rendererBundleDir } from '../pond/serve/renderer-bundle.js';
import { createPond } from '../pond/service/open-pond.js';
import { LocalPondService } from '../pond/service/pond-service.js';
import { median, ms, ratio, timed } from './measure.js';

const CHROMIUM = '/usr/bin/chromium';
const ROWS = 5_000_000;
const RUNS = 5;
const FLAGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export async function run(): Promise<void> {
  const bundle = rendererBundleDir();
  if (!existsSync(CHROMIUM) || !existsSync(join(bundle, 'index.html'))) {
    console.log(
      `skipped: needs ${CHROMIUM} (apt-get install chromium) and the renderer bundle (npm run build)`,
    );
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'pond-bench-browser-'));
  const session = await DuckSession.open();
  const service = new LocalPondService({ mode: 'browser', appData: join(dir, 'app') });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const file = join(dir, 'readings.parquet');
    await session.run(
      `COPY (SELECT TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_seconds(i) AS timestamp, i::BIGINT AS idx,
                    (i % 1000)::DOUBLE / 10 AS value FROM range(${ROWS}) t(i)) TO ${literal(file)} (FORMAT parquet)`,
    );
    const pondDir = join(dir, 'pond');
    const pond = await createPond(pondDir, 'bench', { command: ['bench'] });
    await pond.write({ command: ['bench', 'import'] }, async (txn) =>
      (await txn.wd()).writeFile('/readings.series', 'series', {
        hostPath: file,
        timestampColumn: 'timestamp',
      }),
    );
    await pond.close();
    await service.openPath(pondDir);
    const server = await startServer({ service, staticDir: bundle, host: '127.0.0.1', port: 0 });
    try {
      await firstTreePaint(browser.newPage.bind(browser), server.url, session, file);
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await scrollFrames(page, server.url);
      await page.close();
    } finally {
      await server.close();
    }
  } finally {
    await browser.close();
    await service.close();
    session.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function firstTreePaint(
  newPage: () => Promise<Page>,
  url: string,
  session: DuckSession,
  file: string,
): Promise<void> {
  const ours: number[] = [];
  const warm: number[] = [];
  const duck: number[] = [];
  const loaded: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const page = await newPage();
    const [o] = await timed(async () => {
      await page.goto(url);
      await page.locator('[role="treeitem"]').first().waitFor({ state: 'visible' });
    });
    ours.push(o);
    loaded.push(
      (await page.evaluate(
        "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd",
      )) as number,
    );
    // Loaded again in the same tab: the scripts come from the browser's cache.
    const [w] = await timed(async () => {
      await page.reload();
      await page.locator('[role="treeitem"]').first().waitFor({ state: 'visible' });
    });
    warm.push(w);
    await page.close();
    const [d] = await timed(() =>
      session.all(`SELECT * FROM read_parquet(${literal(file)}) LIMIT 100`),
    );
    duck.push(d);
  }
  console.log(
    `first tree paint: ${ms(median(ours))} (bar <= 300 ms; the page's scripts loaded at ${ms(median(loaded))}; the rest is the app starting, asking for the pond and its root, and drawing) vs duckdb first rows ${ms(median(duck))} = ${ratio(median(ours), median(duck))}`,
  );
  console.log(`first tree paint, the page loaded again in its tab: ${ms(median(warm))}`);
}

async function scrollFrames(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('[role="treeitem"][data-path="/readings.series"]').click();
  await page.getByRole('grid').locator('[role="gridcell"]').first().waitFor();
  const result = (await page.evaluate(SCROLL_SCRIPT)) as {
    frames: number[];
    lastRow: string | null;
  };
  const sorted = [...result.frames].sort((a, b) => a - b);
  const pct = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const slow = sorted.filter((f) => f > 200).length;
  console.log(
    `scrolling a ${ROWS}-row grid: ${sorted.length} frames, p50 ${ms(pct(0.5))}, p99 ${ms(pct(0.99))}, max ${ms(sorted[sorted.length - 1]!)}, ${slow} frames over 200 ms (bar: p99 < 50 ms, none over 200 ms); last row on screen: ${result.lastRow}`,
  );
}

/**
 * Runs in the page (a string: this file is compiled without DOM types). Records every frame's
 * interval while it scrolls the grid smoothly for 3 s, then drags it across the whole result.
 */
const SCROLL_SCRIPT = `(async () => {
  const grid = document.querySelector('[role="grid"]');
  const frames = [];
  let last = performance.now();
  let running = true;
  const tick = (t) => { frames.push(t - last); last = t; if (running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const until = performance.now() + 3000;
  while (performance.now() < until) { grid.scrollTop += 40; await frame(); }
  const max = grid.scrollHeight - grid.clientHeight;
  for (let i = 1; i <= 60; i++) { grid.scrollTop = (max * i) / 60; await frame(); }
  const deadline = performance.now() + 10000;
  const pending = () => [...grid.querySelectorAll('[role="gridcell"]')].some((c) => c.textContent === '…');
  while (performance.now() < deadline && pending()) await frame();
  running = false;
  const rows = grid.querySelectorAll('[role="row"][aria-rowindex]');
  return { frames: frames.slice(1), lastRow: rows.length ? rows[rows.length - 1].getAttribute('aria-rowindex') : null };
})()`;
