/**
 * Derived data on a 5M-row series (DESIGN §7), against plain DuckDB on the same Parquet file in
 * the same process:
 * - reduce: reading a 1-day temporal-reduce node vs the same GROUP BY in DuckDB, bucketed the
 *   fastest way we know (integer microseconds; time_bucket(INTERVAL 1 day) on TIMESTAMPTZ is
 *   about 100x slower because it goes through the calendar) (bar <= 1.5x);
 * - first page: the app's first 1,024-row preview page of the series, on a freshly opened pond
 *   whose tree is shown (so the page includes resolving the node, describing it and counting its
 *   rows) vs `LIMIT 1024` (bar <= 2x).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckSession } from '../pond/duckdb/session.js';
import { literal } from '../pond/duckdb/sql.js';
import { defaultRegistry } from '../pond/factories/index.js';
import { nodeRelation } from '../pond/query/node-relation.js';
import { copyIn } from '../pond/import/copy-in.js';
import { placeNode } from '../pond/service/mknod.js';
import { createPond, openPond } from '../pond/service/open-pond.js';
import { LocalPondService } from '../pond/service/pond-service.js';
import { isFile } from '../pond/tinyfs/node.js';
import { median, ms, ratio, timed } from './measure.js';

const ROWS = 5_000_000;
const RUNS = 9;

const REDUCE = `in_pattern: "series:///sensor.series"
out_pattern: "sensor"
resolutions: ["1d"]
aggregations:
  - { type: avg, columns: [temperature, conductivity] }
  - { type: min, columns: [temperature] }
  - { type: max, columns: [temperature] }
  - { type: count, columns: ["*"] }
`;

const DUCK_REDUCE = (file: string) =>
  `SELECT make_timestamptz(epoch_us(timestamp) - epoch_us(timestamp) % 86400000000) AS timestamp,
          avg(temperature) AS "temperature.avg", avg(conductivity) AS "conductivity.avg",
          min(temperature) AS "temperature.min", max(temperature) AS "temperature.max",
          count(*) AS "timestamp.count"
   FROM read_parquet(${literal(file)}) WHERE timestamp IS NOT NULL GROUP BY 1 ORDER BY 1`;

interface Fixture {
  dir: string;
  parquet: string;
  pondDir: string;
}

let fixture: Promise<Fixture> | undefined;

/** One 5M-row series (one reading a second, about 58 days) in a pond with a 1-day reduce. */
function build(): Promise<Fixture> {
  fixture ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pond-bench-derived-'));
    const parquet = join(dir, 'sensor.parquet');
    const session = await DuckSession.open();
    await session.run(
      `COPY (SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i) AS timestamp,
                    20 + 5 * sin(i / 13750.0) AS temperature, (400 + i % 97)::DOUBLE AS conductivity
             FROM range(${ROWS}) t(i)) TO ${literal(parquet)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    session.close();
    const pondDir = join(dir, 'pond');
    const registry = defaultRegistry();
    const pond = await createPond(pondDir, 'bench', { command: ['bench'] }, { registry });
    try {
      await copyIn(pond, [`host+series://${parquet}`], '/sensor.series', { command: ['copy'] });
      await pond.write({ command: ['mknod'] }, (txn) =>
        placeNode(
          txn,
          registry,
          { factory: 'temporal-reduce', path: '/reduced', config: REDUCE },
          { overwrite: false },
        ),
      );
    } finally {
      await pond.close();
    }
    return { dir, parquet, pondDir };
  })();
  return fixture;
}

async function cleanup(): Promise<void> {
  if (!fixture) return;
  const { dir } = await fixture;
  fixture = undefined;
  await rm(dir, { recursive: true, force: true });
}

export async function run(): Promise<void> {
  try {
    await runReduce();
    await runFirstPage();
  } finally {
    await cleanup();
  }
}

async function runReduce(): Promise<void> {
  const f = await build();
  const session = await DuckSession.open();
  const pond = await openPond(f.pondDir, { session });
  try {
    const ours: number[] = [];
    const duck: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const [d, expected] = await timed(() => session.all(DUCK_REDUCE(f.parquet)));
      duck.push(d);
      const [o, got] = await timed(() =>
        pond.read(async (txn) => {
          const path = '/reduced/sensor/res=1d.series';
          const node = (await (await txn.wd()).get(path)).node;
          if (!isFile(node)) throw new Error(`${path} is not a file`);
          const rel = await nodeRelation(node, path, { txn, expanding: [] });
          return session.all(`SELECT * FROM (${rel})`);
        }),
      );
      ours.push(o);
      if (got.length !== expected.length || got.length < 50)
        throw new Error(`reduce gave ${got.length} days, DuckDB ${expected.length}`);
    }
    console.log(
      `1-day temporal-reduce of ${ROWS} rows: pond ${ms(median(ours))} vs duckdb ${ms(median(duck))} = ${ratio(median(ours), median(duck))} (bar <= 1.5x)`,
    );
  } finally {
    await pond.close();
    session.close();
  }
}

async function runFirstPage(): Promise<void> {
  const f = await build();
  const session = await DuckSession.open();
  const service = new LocalPondService({ mode: 'browser', appData: join(f.dir, 'app') });
  try {
    const ours: number[] = [];
    const duck: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const [d, rows] = await timed(() =>
        session.all(`SELECT * FROM read_parquet(${literal(f.parquet)}) LIMIT 1024`),
      );
      duck.push(d);
      // As in the app: the pond is opened and its tree shown before a series is clicked.
      const opened = await service.openPath(f.pondDir);
      await service.list({ pond: opened.handle, path: '/', offset: 0, limit: 200 });
      const [o, page] = await timed(() =>
        service.preview({ pond: opened.handle, path: '/sensor.series', offset: 0, limit: 1024 }),
      );
      await service.closePond(opened.handle);
      ours.push(o);
      if (page.rowCount !== 1024 || rows.length !== 1024 || page.totalRows !== ROWS)
        throw new Error(`page of ${page.rowCount} rows (of ${page.totalRows})`);
    }
    console.log(
      `first 1024-row page of ${ROWS} rows: pond ${ms(median(ours))} vs duckdb LIMIT ${ms(median(duck))} = ${ratio(median(ours), median(duck))} (bar <= 2x)`,
    );
  } finally {
    await service.close();
    session.close();
  }
}
