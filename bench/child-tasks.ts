/**
 * Work measured in a child process by the benchmarks: `node child-tasks.js <task> <json args>`.
 * Prints one JSON line: the task's own wall time and the process's peak RSS.
 */
import { DuckSession } from '../pond/duckdb/session.js';
import { literal } from '../pond/duckdb/sql.js';
import { runExport } from '../pond/export/export.js';
import { JobRunner } from '../pond/service/jobs.js';
import { openPond } from '../pond/service/open-pond.js';
import { LocalPondService } from '../pond/service/pond-service.js';
import type { ExportSummary, JobInfo, ResultExportSummary } from '../shared/api.js';

type Task = (args: Record<string, string>) => Promise<number>;

const tasks: Record<string, Task> = {
  /** Plain DuckDB: the CSV straight to one Parquet file. */
  async 'duckdb-csv-to-parquet'({ csv, out }) {
    const s = await DuckSession.open();
    const t = performance.now();
    await s.run(`COPY (FROM read_csv(${literal(csv!)})) TO ${literal(out!)} (FORMAT parquet)`);
    const elapsed = performance.now() - t;
    s.close();
    return elapsed;
  },
  /** Plain DuckDB: one Parquet file partitioned by year and month with one COPY. */
  async 'duckdb-export-year-month'({ parquet, out }) {
    const s = await DuckSession.open();
    const t = performance.now();
    await s.run(
      `COPY (SELECT *, year(timestamp) AS year, month(timestamp) AS month FROM read_parquet(${literal(parquet!)})) ` +
        `TO ${literal(out!)} (FORMAT parquet, PARTITION_BY (year, month))`,
    );
    const elapsed = performance.now() - t;
    s.close();
    return elapsed;
  },
  /** The pond: `pond export -p PATH --dir OUT --temporal year,month` through the engine, as a job. */
  async 'pond-export-year-month'({ pond, path, out }) {
    const p = await openPond(pond!);
    const jobs = new JobRunner();
    const t = performance.now();
    const job = jobs.start('export', (ctx) =>
      runExport(
        p,
        { patterns: [path!], outDir: out!, temporal: ['year', 'month'], templates: [], vars: {} },
        ctx,
      ),
    );
    const done = await jobs.wait(job.id);
    const elapsed = performance.now() - t;
    if (done.state !== 'done') throw new Error(done.error?.message);
    await p.close();
    return elapsed;
  },
};

/** A service as `pond serve --export-root` makes it, with the pond open. */
async function servedPond(pond: string, root: string, appData: string) {
  const svc = new LocalPondService({ mode: 'browser', appData, exportRoot: root });
  const { handle } = await svc.openPath(pond);
  return { svc, handle };
}

async function finished(svc: LocalPondService, job: JobInfo | undefined): Promise<JobInfo> {
  const done = await svc.jobRunner.wait(job!.id);
  if (done.state !== 'done') throw new Error(done.error?.message);
  return done;
}

Object.assign(tasks, {
  /** Plain DuckDB, writing what the export writes (zstd): one COPY partitioned by year, month. */
  async 'duckdb-export-year-month-zstd'({ parquet, out }) {
    const s = await DuckSession.open();
    const t = performance.now();
    await s.run(
      `COPY (SELECT *, year(timestamp) AS year, month(timestamp) AS month FROM read_parquet(${literal(parquet!)})) ` +
        `TO ${literal(out!)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year, month))`,
    );
    const elapsed = performance.now() - t;
    s.close();
    return elapsed;
  },
  /** The export wizard's path: the app's service runs the export job (pond serve). */
  async 'app-export-year-month'({ pond, path, root, appData }) {
    const { svc, handle } = await servedPond(pond!, root!, appData!);
    const t = performance.now();
    const done = await finished(
      svc,
      await svc.exportRun({
        pond: handle,
        settings: {
          patterns: [path!],
          dir: 'wizard',
          temporal: ['year', 'month'],
          templates: [],
          vars: {},
          format: 'parquet',
        },
      }),
    );
    const elapsed = performance.now() - t;
    if ((done.result as ExportSummary).totals.files < 1) throw new Error('nothing written');
    await svc.close();
    return elapsed;
  },
  /** Plain DuckDB: a query's whole result to CSV. */
  async 'duckdb-result-csv'({ parquet, out }) {
    const s = await DuckSession.open();
    const t = performance.now();
    await s.run(
      `COPY (SELECT * FROM read_parquet(${literal(parquet!)})) TO ${literal(out!)} (FORMAT csv, HEADER)`,
    );
    const elapsed = performance.now() - t;
    s.close();
    return elapsed;
  },
  /** "Export this result": the app's service writes the node's whole result as CSV. */
  async 'app-result-csv'({ pond, path, root, appData }) {
    const { svc, handle } = await servedPond(pond!, root!, appData!);
    const t = performance.now();
    const done = await finished(
      svc,
      await svc.exportResult({ pond: handle, path: path!, format: 'csv' }),
    );
    const elapsed = performance.now() - t;
    if ((done.result as ResultExportSummary).rows < 1) throw new Error('no rows');
    await svc.close();
    return elapsed;
  },
} satisfies Record<string, Task>);

const [name, json] = process.argv.slice(2);
const task = tasks[name!];
if (!task) {
  console.error(`unknown task ${name}`);
  process.exit(2);
}
const elapsed = await task(JSON.parse(json ?? '{}') as Record<string, string>);
console.log(JSON.stringify({ ms: elapsed, maxRssKb: process.resourceUsage().maxRSS }));
