/**
 * app-export: the app's two export paths on a 5M-row series, each against plain DuckDB doing
 * the same work in the same run (DESIGN §7; issue 12), in its own process, medians of 3:
 * - the export wizard's run (the service's export job) by year,month vs DuckDB
 *   `COPY ... PARTITION_BY (year, month)` (time <= 1.25x), both with DuckDB's default
 *   compression and with zstd, which the export writes;
 * - "export this result" of the whole 5M rows to CSV vs DuckDB `COPY (query) TO csv`
 *   (time <= 1.25x);
 * - peak RSS of each <= 1.5x DuckDB's.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sensorSeriesPond } from './series-pond.js';
import { median, ms, ratio, runChild, type ChildResult } from './measure.js';

const ROWS = Number(process.env['POND_BENCH_ROWS'] ?? 5_000_000);
const RUNS = 3;

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pond-bench-app-export-'));
  try {
    const { parquet, pondDir } = await sensorSeriesPond(dir, ROWS);
    console.log(`${ROWS} rows, one series`);

    const results: Record<string, ChildResult[]> = {};
    const measure = async (task: string, args: Record<string, unknown>) => {
      const r = await runChild(task, args);
      (results[task] ??= []).push(r);
      return r;
    };
    const fmt = (r: ChildResult) => `${ms(r.ms)} ${(r.maxRssKb / 1024).toFixed(0)} MiB`;
    for (let i = 0; i < RUNS; i++) {
      const root = join(dir, `root${i}`);
      await mkdir(root);
      const app = { pond: pondDir, path: '/sensors.series', root, appData: join(dir, `app${i}`) };
      const line = [
        `duckdb ${fmt(await measure('duckdb-export-year-month', { parquet, out: join(dir, `d${i}`) }))}`,
        `duckdb zstd ${fmt(await measure('duckdb-export-year-month-zstd', { parquet, out: join(dir, `z${i}`) }))}`,
        `wizard ${fmt(await measure('app-export-year-month', app))}`,
        `duckdb csv ${fmt(await measure('duckdb-result-csv', { parquet, out: join(dir, `r${i}.csv`) }))}`,
        `result csv ${fmt(await measure('app-result-csv', app))}`,
      ];
      console.log(`  run ${i + 1}: ${line.join(' | ')}`);
    }
    const t = (task: string) => median(results[task]!.map((r) => r.ms));
    const rss = (task: string) => median(results[task]!.map((r) => r.maxRssKb));
    const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;
    const bar = (label: string, ours: string, theirs: string, timeBar: string) => {
      console.log(
        `${label}: ${ms(t(ours))} vs duckdb ${ms(t(theirs))} = ${ratio(t(ours), t(theirs))} (bar ${timeBar}); ` +
          `peak RSS ${mib(rss(ours))} vs ${mib(rss(theirs))} = ${ratio(rss(ours), rss(theirs))} (bar <= 1.5x)`,
      );
    };
    bar(
      'wizard export by year,month',
      'app-export-year-month',
      'duckdb-export-year-month',
      '<= 1.25x',
    );
    bar(
      'wizard export by year,month vs zstd COPY',
      'app-export-year-month',
      'duckdb-export-year-month-zstd',
      '<= 1.25x',
    );
    bar('export this result (CSV)', 'app-result-csv', 'duckdb-result-csv', '<= 1.25x');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
