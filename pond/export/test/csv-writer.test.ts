import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSession } from '../../duckdb/session.js';
import { describeRelation } from '../../query/parquet-file.js';
import { writeCsv } from '../csv-writer.js';
import { partExpression } from '../temporal.js';

describe('the CSV writer of export', () => {
  let dir: string;
  let s: DuckSession;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csv-writer-'));
    s = await DuckSession.open({ threads: 2 });
  });
  afterAll(async () => {
    s.close();
    await rm(dir, { recursive: true, force: true });
  });

  // Column names with a comma, a quote and a newline: the header line spans two lines.
  const rows = `SELECT TIMESTAMPTZ '2024-01-01 00:00:00.25+00' + to_hours(i * 7) AS timestamp, i AS "v, ""x""\ny", CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN '' ELSE 'a,b' END AS s, TIMESTAMP '2024-01-01 03:00:00' AS naive FROM range(20000) t(i)`;

  it('writes one data.csv per partition, even when DuckDB split one into pieces', async () => {
    const out = join(dir, 'a');
    await s.run('SET partitioned_write_flush_threshold = 1000');
    const interleaved = `SELECT * FROM (${rows}) ORDER BY "v, ""x""\ny" % 7, 2`;
    const columns = await describeRelation(s, interleaved);
    const { files, rows: n } = await writeCsv(s, interleaved, columns, out, {
      partitionBy: [{ name: 'year', expression: partExpression('year', 'q."timestamp"') }],
      maxOpenPartitions: 2,
    });
    expect(n).toBe(20000);
    expect(files).toHaveLength(16);
    for (const f of files) expect(await readdir(join(out, f.relPath, '..'))).toEqual(['data.csv']);
    const first = await readFile(join(out, 'year=2024/data.csv'), 'utf8');
    expect(first.startsWith('timestamp,"v, ""x""\ny",s,naive\n')).toBe(true);
    // Exactly one header per file, however many pieces it was joined from.
    for (const f of files) {
      const text = await readFile(join(out, f.relPath), 'utf8');
      expect(text.split('timestamp,"v, ""x""').length, f.relPath).toBe(2);
    }
    expect(first).toContain('2024-01-01T00:00:00.250Z,0,,2024-01-01T03:00:00\n');
    expect(first).toContain('2024-01-01T07:00:00.250Z,1,"",2024-01-01T03:00:00\n');
    // Read back: every row, NULL and '' told apart, times exact.
    const back = await s.all<{
      n: number;
      nulls: number;
      empties: number;
      sum: number;
      t0: string;
    }>(
      `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE s IS NULL)::INTEGER AS nulls,
              count(*) FILTER (WHERE s = '')::INTEGER AS empties, sum("v, ""x""\ny")::DOUBLE AS sum,
              min(timestamp::TIMESTAMPTZ)::VARCHAR AS t0
       FROM read_csv('${out}/*/data.csv', header = true, hive_partitioning = false, allow_quoted_nulls = false)`,
    );
    expect(back[0]).toEqual({
      n: 20000,
      nulls: 4000,
      empties: 4000,
      sum: (19999 * 20000) / 2,
      t0: '2024-01-01 00:00:00.25+00',
    });
  });
});
