/**
 * app-service: the app's service process (Electron main or `pond serve`) must never block.
 *
 * (a) Event-loop lag (perf_hooks.monitorEventLoopDelay) in this process while the service pages
 *     through a 5M-row series (1,000-row pages at offsets across it, sorted pages, and pages of
 *     the largest size, 10,000 rows, each also encoded for the HTTP wire as `pond serve` does)
 *     and, at the same time, a 1M-row CSV is imported into another pond. Bar: p99 < 50 ms.
 *     The longest synchronous steps on the way (the wire encoding of a page) are timed alone.
 * (b) Opening a pond to its first tree page (service `openPath` + `list`) vs plain DuckDB
 *     opening the same data as a Parquet file and reading its first rows. Medians of 5.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DuckSession } from '../pond/duckdb/session.js';
import { literal } from '../pond/duckdb/sql.js';
import { encodeWireFast } from '../pond/serve/http-server.js';
import { copyIn } from '../pond/import/copy-in.js';
import { createPond, openPond } from '../pond/service/open-pond.js';
import { LocalPondService } from '../pond/service/pond-service.js';
import { median, ms, ratio, timed } from './measure.js';

const ROWS = Number(process.env['POND_BENCH_ROWS'] ?? 5_000_000);
const CSV_ROWS = Math.min(1_000_000, ROWS);
const RUNS = 5;
const SERIES = '/sensors/readings.series';

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pond-bench-app-'));
  const session = await DuckSession.open();
  try {
    const file = join(dir, 'readings.parquet');
    const csv = join(dir, 'import.csv');
    const rows = (n: number) => `
      SELECT TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_minutes(i) AS timestamp,
             round(20 + 5 * sin(i / 1440.0), 3) AS temperature,
             round(400 + 50 * cos(i / 720.0), 2) AS conductivity,
             round(8 + sin(i / 300.0), 3) AS dissolved_oxygen,
             round(7 + 0.2 * sin(i / 100.0), 3) AS ph,
             CASE WHEN i % 2 = 0 THEN 'north' ELSE 'south' END AS site
      FROM range(${n}) t(i)`;
    await session.run(`COPY (${rows(ROWS)}) TO ${literal(file)} (FORMAT parquet)`);
    await session.run(`COPY (${rows(CSV_ROWS)}) TO ${literal(csv)} (HEADER)`);
    const pondDir = join(dir, 'pond');
    const pond = await createPond(pondDir, 'bench', { command: ['bench', 'init'] }, { session });
    await pond.write({ command: ['bench', 'import'] }, async (txn) => {
      const wd = await txn.wd();
      await wd.mkdir('/sensors');
      await wd.writeFile(SERIES, 'series', { hostPath: file, timestampColumn: 'timestamp' });
    });
    await pond.close();
    console.log(`a pond with one series of ${ROWS} rows; a CSV of ${CSV_ROWS} rows to import`);

    await openToFirstPage(dir, pondDir, file);
    await eventLoopLag(dir, pondDir, csv);
  } finally {
    session.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function openToFirstPage(dir: string, pondDir: string, file: string): Promise<void> {
  const ours: number[] = [];
  const duck: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const [o] = await timed(async () => {
      const svc = new LocalPondService({ mode: 'browser', appData: join(dir, `app-${r}`) });
      try {
        const p = await svc.openPath(pondDir);
        const page = await svc.list({ pond: p.handle, path: '/', offset: 0, limit: 200 });
        if (page.entries.length !== 1) throw new Error('wrong tree page');
      } finally {
        await svc.close();
      }
    });
    ours.push(o);
    const [d] = await timed(async () => {
      const s = await DuckSession.open();
      try {
        const got = await s.all(`SELECT * FROM read_parquet(${literal(file)}) LIMIT 200`);
        if (got.length !== 200) throw new Error('wrong row count');
      } finally {
        s.close();
      }
    });
    duck.push(d);
  }
  console.log(
    `open pond + first tree page: service ${ms(median(ours))} vs duckdb open + first 200 rows of the Parquet ${ms(median(duck))} = ${ratio(median(ours), median(duck))}`,
  );
}

async function eventLoopLag(dir: string, pondDir: string, csv: string): Promise<void> {
  const svc = new LocalPondService({ mode: 'browser', appData: join(dir, 'app-lag') });
  const target = join(dir, 'import-pond');
  await (await createPond(target, 'bench', { command: ['bench', 'init'] })).close();
  const importPond = await openPond(target);
  try {
    const { handle } = await svc.openPath(pondDir);
    // Warm the spec cache (columns, row count) so the loop measures paging, as scrolling does.
    await svc.preview({ pond: handle, path: SERIES, offset: 0, limit: 1 });
    // Electron hands pages to IPC as they are; pond serve also encodes them for HTTP (base64).
    for (const [label, encode] of [
      ['service only (Electron)', false],
      ['service + HTTP wire encoding (pond serve)', true],
    ] as const) {
      const lag = monitorEventLoopDelay({ resolution: 5 });
      const encodeMs: number[] = [];
      const pageMs: number[] = [];
      let pages = 0;
      lag.enable();
      const started = performance.now();
      const importing = timed(() =>
        copyIn(importPond, [`host+csv+series://${csv}`], `/imported-${pages}-${encode}.series`, {
          command: ['bench', 'import'],
        }),
      );
      const page = async (offset: number, limit: number, sort?: boolean) => {
        const [t, p] = await timed(() =>
          svc.preview({
            pond: handle,
            path: SERIES,
            offset,
            limit,
            ...(sort ? { sort: [{ column: 'temperature', descending: true }] } : {}),
          }),
        );
        pageMs.push(t);
        if (encode) {
          const e = performance.now();
          encodeWireFast({ ok: true, value: p });
          encodeMs.push(performance.now() - e);
        }
        pages++;
      };
      const paging = (async () => {
        for (let i = 0; i < 40; i++) await page(Math.floor((i / 40) * (ROWS - 1000)), 1000);
        for (let i = 0; i < 3; i++) await page(i * 1000, 1000, true);
        for (let i = 0; i < 5; i++) await page(ROWS - (i + 1) * 10_000, 10_000);
        return performance.now();
      })();
      const [[importMs], pagingDone] = await Promise.all([importing, paging]);
      lag.disable();
      const q = (p: number) => lag.percentile(p) / 1e6;
      console.log(`${label}:`);
      console.log(
        `  ${pages} preview pages (median ${ms(median(pageMs))}) in ${ms(pagingDone - started)}, with a CSV import of ${CSV_ROWS} rows (${ms(importMs)}) at the same time`,
      );
      console.log(
        `  event-loop lag: p50 ${ms(q(50))}, p99 ${ms(q(99))}, max ${ms(lag.max / 1e6)} (bar: p99 < 50 ms)`,
      );
      if (encode) {
        console.log(
          `  wire encoding of a page (synchronous): median ${ms(median(encodeMs))}, max ${ms(Math.max(...encodeMs))} (10,000-row pages)`,
        );
      }
    }
  } finally {
    await importPond.close();
    await svc.close();
  }
}
