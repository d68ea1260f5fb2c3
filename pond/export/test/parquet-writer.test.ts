import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSession } from '../../duckdb/session.js';
import { writeParquet } from '../parquet-writer.js';

describe('the Parquet writer shared by export and copy OUT', () => {
  let dir: string;
  let s: DuckSession;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pq-writer-'));
    s = await DuckSession.open({ threads: 2 });
  });
  afterAll(async () => {
    s.close();
    await rm(dir, { recursive: true, force: true });
  });

  const rows = `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i * 7) AS timestamp, i AS v FROM range(20000) t(i)`;

  it('writes one data.parquet per partition, with rows and sizes from DuckDB', async () => {
    const out = join(dir, 'a');
    const files = await writeParquet(s, rows, out, {
      partitionBy: [{ name: 'year', expression: "date_part('year', timestamp)::INTEGER AS year" }],
    });
    expect(files.map((f) => f.relPath)).toEqual(
      Array.from({ length: 16 }, (_, i) => `year=${2024 + i}/data.parquet`),
    );
    expect(files.reduce((n, f) => n + f.rows, 0)).toBe(20000);
    for (const f of files) expect(f.bytes).toBe((await stat(join(out, f.relPath))).size);
  });

  it('merges a partition DuckDB split over several files, so there is still exactly one', async () => {
    const out = join(dir, 'b');
    // Few open files, early flushes and interleaved partitions make DuckDB close and reopen
    // partitions (it writes about 110 files for these 16 partitions).
    await s.run('SET partitioned_write_flush_threshold = 1000');
    const interleaved = `SELECT * FROM (${rows}) ORDER BY v % 7, v`;
    const files = await writeParquet(s, interleaved, out, {
      partitionBy: [{ name: 'year', expression: "date_part('year', timestamp)::INTEGER AS year" }],
      maxOpenPartitions: 2,
    });
    expect(files).toHaveLength(16);
    for (const f of files)
      expect(await readdir(join(out, f.relPath, '..'))).toEqual(['data.parquet']);
    const back = await s.all<{ n: number; sum: number }>(
      `SELECT count(*)::INTEGER AS n, sum(v)::DOUBLE AS sum FROM read_parquet('${out}/*/data.parquet')`,
    );
    expect(back[0]).toEqual({ n: 20000, sum: (19999 * 20000) / 2 });
    expect(files.reduce((n, f) => n + f.rows, 0)).toBe(20000);
  });
});
