/**
 * pond-import: `pond copy host+csv+series:///sensors.csv /sensors.series` of a 5M-row CSV, the
 * whole CLI process, against a whole process of plain DuckDB running
 * `COPY (FROM read_csv(...)) TO 'x.parquet'` on the same file (DESIGN §7: time <= 1.15x, peak
 * RSS <= 1.5x). Runs alternate between the two; medians of RUNS. The CLI runs with POND_TIMINGS,
 * so each run also says where its time went. CPU time (user + system, every thread) is printed
 * beside the wall time: on a shared machine the load moves it far less, so a change of tens of
 * ms (the CLI's start) shows there first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { literal } from '../pond/duckdb/sql.js';
import { createPond } from '../pond/service/open-pond.js';
import { sensorCsv } from './series-pond.js';
import { median, ms, ratio, runProcess } from './measure.js';

const ROWS = Number(process.env['POND_BENCH_ROWS'] ?? 5_000_000);
const RUNS = Number(process.env['POND_BENCH_RUNS'] ?? 5);
const TIME_BAR = 1.15;
const RSS_BAR = 1.5;

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pond-bench-import-'));
  try {
    const csv = await sensorCsv(dir, ROWS);
    console.log(`${ROWS} rows of CSV; ${RUNS} runs of each, alternating`);
    const duck: { ms: number; rss: number; cpu: number }[] = [];
    const pond: { ms: number; rss: number; cpu: number }[] = [];
    const phases: Record<string, number>[] = [];
    for (let i = 0; i < RUNS; i++) {
      const out = join(dir, `duck${i}.parquet`);
      const d = await runProcess('./duckdb-process.js', [
        `COPY (FROM read_csv(${literal(csv)})) TO ${literal(out)} (FORMAT parquet)`,
      ]);
      await rm(out, { force: true });
      duck.push({ ms: d.ms, rss: d.maxRssKb, cpu: d.cpuMs ?? NaN });
      const pondDir = join(dir, `pond${i}`);
      const p = await createPond(pondDir, 'bench', { command: ['bench', 'init'] });
      await p.close();
      const r = await runProcess(
        './cli-process.js',
        ['--pond', pondDir, 'copy', `host+csv+series://${csv}`, '/sensors.series'],
        { POND_TIMINGS: '1' },
      );
      if (!r.stdout.includes(`(${ROWS} rows)`)) throw new Error(`unexpected output: ${r.stdout}`);
      pond.push({ ms: r.ms, rss: r.maxRssKb, cpu: r.cpuMs ?? NaN });
      const t = /^timings: (.*)$/m.exec(r.stderr)?.[1] ?? 'none printed';
      phases.push(
        Object.fromEntries(t.split(', ').map((p) => [p.split(' ')[0], Number(p.split(' ')[1])])),
      );
      await rm(pondDir, { recursive: true, force: true });
      console.log(
        `  run ${i + 1}: duckdb ${ms(d.ms)} (cpu ${d.cpuMs?.toFixed(0)}) ${(d.maxRssKb / 1024).toFixed(0)} MiB | pond ${ms(r.ms)} (cpu ${r.cpuMs?.toFixed(0)}) ${(r.maxRssKb / 1024).toFixed(0)} MiB (ms per phase: ${t})`,
      );
    }
    const names = Object.keys(phases[0] ?? {});
    console.log(
      `pond's phases (medians, ms; start = Node and the CLI up to the command, convert includes the COPY, place the hash): ${names
        .map((n) => `${n} ${median(phases.map((p) => p[n] ?? 0)).toFixed(0)}`)
        .join(', ')}`,
    );
    const [dt, pt] = [median(duck.map((x) => x.ms)), median(pond.map((x) => x.ms))];
    const [dr, pr] = [median(duck.map((x) => x.rss)), median(pond.map((x) => x.rss))];
    const [dc, pc] = [median(duck.map((x) => x.cpu)), median(pond.map((x) => x.cpu))];
    console.log(
      `import time (whole processes): pond ${ms(pt)} vs duckdb ${ms(dt)} = ${ratio(pt, dt)} (bar <= ${TIME_BAR}x)`,
    );
    console.log(
      `CPU time (user + system):      pond ${ms(pc)} vs duckdb ${ms(dc)} = ${ratio(pc, dc)}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`,
    );
    console.log(
      `peak RSS:                      pond ${(pr / 1024).toFixed(0)} MiB vs duckdb ${(dr / 1024).toFixed(0)} MiB = ${ratio(pr, dr)} (bar <= ${RSS_BAR}x)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
