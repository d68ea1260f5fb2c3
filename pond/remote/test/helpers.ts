import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeParquet } from '../../cli/test/fixtures.js';
import { openPond } from '../../service/open-pond.js';
import { pondWithSeries } from '../../service/test/fixtures.js';
import type { Pond } from '../../tlogfs/pond.js';

export async function scratchDir(
  prefix: string,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Hourly readings of one day as a Parquet file (plain DuckDB). */
export async function dayOfReadings(path: string, day: number): Promise<string> {
  await writeParquet(
    path,
    `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL (${day * 24} + i) HOUR AS timestamp,
            (${day} * 100 + i)::DOUBLE AS temperature
       FROM range(24) t(i)`,
  );
  return path;
}

/**
 * A pond with a series of `days` versions (one transaction each, so more than ten make a
 * checkpoint), a data file and a symlink.
 */
export async function seriesPond(dir: string, name: string, days: number): Promise<string> {
  const files: string[] = [];
  for (let d = 0; d < days; d++)
    files.push(await dayOfReadings(join(dir, `${name}-day${d}.parquet`), d));
  const path = join(dir, name);
  await pondWithSeries(path, files);
  return path;
}

/** Adds one more day to the series (one transaction). */
export async function addDay(pond: Pond, dir: string, day: number): Promise<number> {
  const file = await dayOfReadings(join(dir, `extra-day${day}-${Date.now()}.parquet`), day);
  const w = await pond.write({ command: ['test', 'add day', String(day)] }, async (txn) => {
    await (
      await txn.wd()
    ).writeFile('/data/readings.series', 'series', {
      hostPath: file,
      timestampColumn: 'timestamp',
    });
  });
  return w.seq!;
}

export async function withPond<T>(path: string, fn: (pond: Pond) => Promise<T>): Promise<T> {
  const pond = await openPond(path);
  try {
    return await fn(pond);
  } finally {
    await pond.close();
  }
}

/** Every row of the series, in order, as plain values. */
export async function seriesRows(pond: Pond): Promise<unknown[]> {
  const { nodeRelation } = await import('../../query/node-relation.js');
  return pond.read(async (txn) => {
    const wd = await txn.wd();
    const found = await wd.get('/data/readings.series');
    const rel = await nodeRelation(found.node as never, '/data/readings.series', {
      txn,
      expanding: [],
    });
    return txn.session.allJson(`SELECT * FROM (${rel}) ORDER BY timestamp`);
  });
}
