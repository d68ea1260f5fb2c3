import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors.js';
import { DuckSession } from '../../duckdb/session.js';
import { literal } from '../../duckdb/sql.js';
import { writtenTimeRange } from '../hydrovu/written-time-range.js';

describe("a converted device's time range, from its Parquet footer", () => {
  let dir: string;
  let session: DuckSession;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pond-hv-range-'));
    session = await DuckSession.open({ threads: 1 });
  });
  afterAll(async () => {
    session.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes `select` to a new file; returns it and the rows the COPY reported. */
  const write = async (name: string, select: string, options = '') => {
    const file = join(dir, name);
    const r = await session.all(
      `COPY (${select}) TO ${literal(file)} (FORMAT parquet, USE_TMP_FILE false${options})`,
    );
    return { file, rows: Number(r[0]?.['Count']) };
  };

  /** DuckDB's own min and max of the file's timestamps, in epoch microseconds. */
  const duckRange = async (file: string) => {
    const r = await session.all<{ lo: number; hi: number }>(
      `SELECT epoch_us(min("timestamp"))::DOUBLE AS lo, epoch_us(max("timestamp"))::DOUBLE AS hi FROM read_parquet(${literal(file)})`,
    );
    return { minUs: r[0]!.lo, maxUs: r[0]!.hi };
  };

  it("is every row group's, exact to the microsecond, whatever the rows' order", async () => {
    // Unordered times over several row groups; the newest (row 2345, in the third group) has
    // microseconds.
    const { file, rows } = await write(
      'groups.parquet',
      `SELECT CASE WHEN i = 2345 THEN to_timestamp(1672531200 + 5000 * 60) + INTERVAL 123457 MICROSECOND
                   ELSE to_timestamp(1672531200 + ((i * 7919) % 5000) * 60) END AS "timestamp", i::DOUBLE AS v
       FROM range(5000) t(i)`,
      ', ROW_GROUP_SIZE 1000',
    );
    const got = await writtenTimeRange(file, rows, 'dev');
    expect(got).toEqual(await duckRange(file));
    expect(got).toEqual({ minUs: 1672531200e6, maxUs: (1672531200 + 5000 * 60) * 1e6 + 123457 });
  });

  it('refuses a footer that counts other rows than the COPY wrote', async () => {
    const { file, rows } = await write(
      'count.parquet',
      `SELECT to_timestamp(1672531200 + i) AS "timestamp" FROM range(3) t(i)`,
    );
    await expect(writtenTimeRange(file, rows, 'dev')).resolves.toEqual(await duckRange(file));
    await expect(writtenTimeRange(file, rows + 1, 'dev')).rejects.toMatchObject({
      code: ErrorCode.Internal,
      message: expect.stringMatching(/footer counts 3 rows, not 4/),
    });
  });

  it('refuses a file whose timestamps are not microseconds, or that has none', async () => {
    const ns = await write(
      'ns.parquet',
      `SELECT TIMESTAMP_NS '2023-01-01 00:00:00.000000001' AS "timestamp"`,
    );
    await expect(writtenTimeRange(ns.file, ns.rows, 'dev')).rejects.toThrow(
      /no time range in microseconds/,
    );
    const none = await write('none.parquet', `SELECT 1 AS "time"`);
    await expect(writtenTimeRange(none.file, none.rows, 'dev')).rejects.toThrow(
      /no time range in microseconds/,
    );
  });
});
