/**
 * pond-export: exporting a 5M-row series by year,month vs plain DuckDB
 * `COPY ... PARTITION_BY (year, month)` of the same Parquet data, in the same run (DESIGN §7:
 * time <= 1.25x, peak RSS <= 1.5x). Each measurement runs in its own process; medians of 3.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sensorSeriesPond } from './series-pond.js';
import { median, ms, ratio, runChild } from './measure.js';

const ROWS = Number(process.env['POND_BENCH_ROWS'] ?? 5_000_000);
const RUNS = 3;

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pond-bench-export-'));
  try {
    const { parquet, pondDir } = await sensorSeriesPond(dir, ROWS);
    console.log(`${ROWS} rows, one series`);
    const duck: { ms: number; rss: number }[] = [];
    const ours: { ms: number; rss: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const d = await runChild('duckdb-export-year-month', { parquet, out: join(dir, `duck${i}`) });
      duck.push({ ms: d.ms, rss: d.maxRssKb });
      const p = await runChild('pond-export-year-month', {
        pond: pondDir,
        path: '/sensors.series',
        out: join(dir, `pond${i}`),
      });
      ours.push({ ms: p.ms, rss: p.maxRssKb });
      console.log(
        `  run ${i + 1}: duckdb ${ms(d.ms)} ${(d.maxRssKb / 1024).toFixed(0)} MiB | pond ${ms(p.ms)} ${(p.maxRssKb / 1024).toFixed(0)} MiB`,
      );
    }
    const [dt, pt] = [median(duck.map((x) => x.ms)), median(ours.map((x) => x.ms))];
    const [dr, pr] = [median(duck.map((x) => x.rss)), median(ours.map((x) => x.rss))];
    console.log(
      `export time: pond ${ms(pt)} vs duckdb ${ms(dt)} = ${ratio(pt, dt)} (bar <= 1.25x)`,
    );
    console.log(
      `peak RSS:    pond ${(pr / 1024).toFixed(0)} MiB vs duckdb ${(dr / 1024).toFixed(0)} MiB = ${ratio(pr, dr)} (bar <= 1.5x)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
