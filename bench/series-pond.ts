import { join } from 'node:path';
import { DuckSession } from '../pond/duckdb/session.js';
import { literal } from '../pond/duckdb/sql.js';
import { copyIn } from '../pond/import/copy-in.js';
import { createPond } from '../pond/service/open-pond.js';

/** Five readings a minute `i`: the benchmarks' CSV and series hold the same values. */
const READINGS = `round(20 + 5 * sin(i / 1440.0), 3) AS temperature,
  round(400 + 50 * cos(i / 720.0), 2) AS conductivity,
  round(8 + sin(i / 300.0), 3) AS dissolved_oxygen,
  round(7 + 0.2 * sin(i / 100.0), 3) AS ph`;

/**
 * The import benchmarks' CSV: `rows` minutes of five readings and a site, written by plain DuckDB
 * at `<dir>/sensors.csv` (about 49 bytes a row).
 */
export async function sensorCsv(dir: string, rows: number): Promise<string> {
  const csv = join(dir, 'sensors.csv');
  const s = await DuckSession.open();
  try {
    await s.run(
      `COPY (SELECT TIMESTAMP '2020-01-01' + to_minutes(i) AS timestamp, ${READINGS},
                    CASE WHEN i % 2 = 0 THEN 'north' ELSE 'south' END AS site
             FROM range(${rows}) t(i)) TO ${literal(csv)} (HEADER)`,
    );
  } finally {
    s.close();
  }
  return csv;
}

/**
 * The benchmarks' sensor series: `rows` minutes of five columns written as Parquet by plain
 * DuckDB (`<dir>/sensors.parquet`, the baseline's input) and copied into a new pond at
 * `<dir>/pond` as /sensors.series.
 */
export async function sensorSeriesPond(
  dir: string,
  rows: number,
): Promise<{ parquet: string; pondDir: string }> {
  const parquet = join(dir, 'sensors.parquet');
  const s = await DuckSession.open();
  try {
    await s.run(
      `COPY (SELECT TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_minutes(i) AS timestamp, ${READINGS}
             FROM range(${rows}) t(i)) TO ${literal(parquet)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    s.close();
  }
  const pondDir = join(dir, 'pond');
  const pond = await createPond(pondDir, 'bench', { command: ['bench'] });
  try {
    await copyIn(pond, [`host+series://${parquet}`], '/sensors.series', {
      command: ['bench', 'copy'],
    });
  } finally {
    await pond.close();
  }
  return { parquet, pondDir };
}
