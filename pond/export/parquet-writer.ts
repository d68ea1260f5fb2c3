import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DuckSession } from '../duckdb/session.js';
import { withQueryProgress } from '../duckdb/query-progress.js';
import { ident, literal, stringList } from '../duckdb/sql.js';
import { queryError } from '../query/run-query.js';
import { MAX_OPEN_PARTITIONS, settlePartitions } from './partition-folders.js';

/** The one name every written Parquet file gets, so outputs are predictable. */
export const DATA_FILE = 'data.parquet';

export interface WrittenFile {
  /** Path relative to the folder written into (e.g. `year=2024/month=7/data.parquet`). */
  relPath: string;
  rows: number;
  bytes: number;
  /** Hive partition values of the file's folder. */
  partition: Record<string, string>;
}

/**
 * Writes a relation as Parquet into `dir` with one `COPY`: a single `data.parquet`, or with
 * `partitionBy` one `data.parquet` per Hive partition folder. DuckDB's RETURN_STATS gives every
 * file with its rows and size, so no second scan is needed. `dir` must not exist yet; callers
 * write into a staging folder and publish it with `publish`.
 */
export async function writeParquet(
  session: DuckSession,
  relation: string,
  dir: string,
  options: {
    partitionBy?: { name: string; expression: string }[];
    maxOpenPartitions?: number;
    /** The COPY's progress, 0-100 (the session must track progress: PROGRESS_SETTINGS). */
    onProgress?: (percent: number) => void;
  } = {},
): Promise<WrittenFile[]> {
  const parts = options.partitionBy ?? [];
  let sql: string;
  if (parts.length === 0) {
    await mkdir(dir, { recursive: true });
    sql = `COPY (${relation}) TO ${literal(join(dir, DATA_FILE))} (FORMAT parquet, COMPRESSION zstd, RETURN_STATS)`;
  } else {
    await mkdir(dirname(dir), { recursive: true });
    const select = `SELECT *, ${parts.map((p) => p.expression).join(', ')} FROM (${relation})`;
    sql =
      `COPY (${select}) TO ${literal(dir)} (FORMAT parquet, COMPRESSION zstd, ` +
      `PARTITION_BY (${parts.map((p) => ident(p.name)).join(', ')}), FILENAME_PATTERN 'data', RETURN_STATS)`;
  }
  let stats: Record<string, unknown>[];
  try {
    if (parts.length > 0)
      await session.run(
        `SET partitioned_write_max_open_files = ${options.maxOpenPartitions ?? MAX_OPEN_PARTITIONS}`,
      );
    stats = options.onProgress
      ? await withQueryProgress(
          await session.connection(),
          () => session.all(sql),
          options.onProgress,
        )
      : await session.all(sql);
  } catch (e) {
    throw queryError(e, sql);
  }
  const files = await settlePartitions(
    dir,
    stats.map((s) => ({
      file: s['filename'] as string,
      rows: Number(s['count']),
      bytes: Number(s['file_size_bytes']),
    })),
    DATA_FILE,
    (pieces, final) => mergeFiles(session, pieces, final),
  );
  return files.map((f) => ({ ...f, rows: f.rows!, bytes: f.bytes! }));
}

/** Rewrites the pieces of one partition as a single file; returns its size. */
async function mergeFiles(session: DuckSession, pieces: string[], final: string): Promise<number> {
  const tmp = `${final}.merge`;
  await session.run(
    `COPY (SELECT * FROM read_parquet(${stringList(pieces)})) TO ${literal(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  for (const p of pieces) await rm(p);
  await rename(tmp, final);
  return (await stat(final)).size;
}

export { publish, stagingDir } from './staging.js';
