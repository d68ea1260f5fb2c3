import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident, literal, stringList } from '../duckdb/sql.js';
import { queryError } from '../query/run-query.js';

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
    // DuckDB closes and reopens partition files beyond this many open at once, which would
    // split a partition over several files; keep them open (the merge below is the safety net).
    if (parts.length > 0)
      await session.run(`SET partitioned_write_max_open_files = ${MAX_OPEN_PARTITIONS}`);
    stats = await session.all(sql);
  } catch (e) {
    throw queryError(e, sql);
  }
  const byFolder = new Map<
    string,
    { files: string[]; rows: number; bytes: number; partition: Record<string, string> }
  >();
  for (const s of stats) {
    const folder = dirname(s['filename'] as string);
    const entry = byFolder.get(folder) ?? {
      files: [],
      rows: 0,
      bytes: 0,
      partition: Object.fromEntries(
        ((s['partition_keys'] as { key: string; value: string }[] | null) ?? []).map((kv) => [
          kv.key,
          kv.value,
        ]),
      ),
    };
    entry.files.push(s['filename'] as string);
    entry.rows += Number(s['count']);
    entry.bytes += Number(s['file_size_bytes']);
    byFolder.set(folder, entry);
  }
  const files: WrittenFile[] = [];
  for (const [folder, entry] of byFolder) {
    const final = join(folder, DATA_FILE);
    let bytes = entry.bytes;
    if (entry.files.length > 1) bytes = await mergeFiles(session, entry.files, final);
    else if (entry.files[0] !== final) await rename(entry.files[0]!, final);
    files.push({
      relPath: relative(dir, final).split(sep).join('/'),
      rows: entry.rows,
      bytes,
      partition: entry.partition,
    });
  }
  await checkOneFilePerFolder(dir, files);
  return files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}

const MAX_OPEN_PARTITIONS = 10_000;

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

/** DuckDB writes one file per partition; make sure (two would break "exactly one per partition"). */
async function checkOneFilePerFolder(dir: string, files: WrittenFile[]): Promise<void> {
  const folders = new Set(files.map((f) => dirname(f.relPath)));
  if (folders.size !== files.length) {
    throw new PondError(
      ErrorCode.Internal,
      `DuckDB wrote more than one file in a partition of ${dir}`,
    );
  }
  for (const folder of folders) {
    const names = await readdir(join(dir, folder));
    if (names.length !== 1) {
      throw new PondError(
        ErrorCode.Internal,
        `partition ${folder} of ${dir} holds ${names.length} files`,
      );
    }
  }
}

/** A fresh staging folder inside `outDir` (same file system, so publishing is a rename). */
export async function stagingDir(outDir: string): Promise<string> {
  const dir = join(outDir, `.pond-staging-${randomUUID()}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Moves a staged file or folder to its final place, replacing what was there: the old output is
 * renamed aside first and removed after, so readers see the old or the new, never a mix.
 */
export async function publish(staged: string, final: string): Promise<void> {
  await mkdir(dirname(final), { recursive: true });
  const aside = `${final}.pond-old-${randomUUID()}`;
  let hadOld = true;
  try {
    await rename(final, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    hadOld = false;
  }
  await rename(staged, final);
  if (hadOld) await rm(aside, { recursive: true, force: true });
}
