import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { withQueryProgress } from '../duckdb/query-progress.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident, literal } from '../duckdb/sql.js';
import type { ColumnInfo } from '../query/parquet-file.js';
import { queryError } from '../query/run-query.js';
import { MAX_OPEN_PARTITIONS, settlePartitions } from './partition-folders.js';
import { textCopyOptions, textSelectList } from './text-columns.js';

/** The one name every written CSV file gets. */
export const CSV_FILE = 'data.csv';

export interface WrittenCsv {
  relPath: string;
  bytes: number;
  partition: Record<string, string>;
}

/**
 * Writes a relation as CSV (header line, times as in text-columns.ts) into `dir` with one
 * `COPY`: a single `data.csv`, or with `partitionBy` one `data.csv` per Hive partition folder.
 * DuckDB reports no per-file row counts for CSV, so the caller knows them from its plan and
 * checks the total this returns. `dir` must not exist yet. Partition expressions read the
 * relation's columns as `q."name"`: typed values, before the writer turns times into text.
 */
export async function writeCsv(
  session: DuckSession,
  relation: string,
  columns: readonly ColumnInfo[],
  dir: string,
  options: {
    partitionBy?: { name: string; expression: string }[];
    maxOpenPartitions?: number;
    onProgress?: (percent: number) => void;
  } = {},
): Promise<{ files: WrittenCsv[]; rows: number }> {
  const parts = options.partitionBy ?? [];
  const list = textSelectList(columns, (i) => `q.${ident(columns[i]!.name)}`);
  let sql: string;
  if (parts.length === 0) {
    await mkdir(dir, { recursive: true });
    sql = `COPY (SELECT ${list} FROM (${relation}) AS q) TO ${literal(join(dir, CSV_FILE))} (${textCopyOptions('csv')}, RETURN_FILES)`;
  } else {
    await mkdir(dirname(dir), { recursive: true });
    sql =
      `COPY (SELECT ${list}, ${parts.map((p) => p.expression).join(', ')} FROM (${relation}) AS q) TO ${literal(dir)} ` +
      `(${textCopyOptions('csv')}, PARTITION_BY (${parts.map((p) => ident(p.name)).join(', ')}), ` +
      `FILENAME_PATTERN 'data', RETURN_FILES)`;
  }
  let result: Record<string, unknown>[];
  try {
    if (parts.length > 0)
      await session.run(
        `SET partitioned_write_max_open_files = ${options.maxOpenPartitions ?? MAX_OPEN_PARTITIONS}`,
      );
    result = options.onProgress
      ? await withQueryProgress(
          await session.connection(),
          () => session.all(sql),
          options.onProgress,
        )
      : await session.all(sql);
  } catch (e) {
    throw queryError(e, sql);
  }
  const row = result[0] ?? {};
  const written = (row['Files'] ?? row['files']) as string[] | undefined;
  if (!Array.isArray(written)) {
    throw new PondError(ErrorCode.Internal, `DuckDB did not list the CSV files it wrote in ${dir}`);
  }
  const files = await settlePartitions(
    dir,
    written.map((file) => ({ file })),
    CSV_FILE,
    concatenateCsv,
  );
  const out: WrittenCsv[] = [];
  for (const f of files) {
    out.push({
      relPath: f.relPath,
      bytes: f.bytes ?? (await stat(join(dir, f.relPath))).size,
      partition: f.partition,
    });
  }
  return { files: out, rows: Number(row['Count'] ?? row['count']) };
}

/**
 * Joins the CSV pieces DuckDB wrote for one partition: the first piece whole, the others
 * without their header (every piece starts with the same header line, checked byte for byte).
 */
async function concatenateCsv(pieces: string[], final: string): Promise<number> {
  const header = await headerOf(pieces[0]!);
  const tmp = `${final}.merge`;
  const out = await open(tmp, 'w');
  try {
    for (const [i, piece] of pieces.entries()) {
      if (i > 0 && !(await headerOf(piece, header.length)).equals(header)) {
        throw new PondError(
          ErrorCode.Internal,
          `the CSV pieces of ${dirname(final)} start with different headers`,
        );
      }
      for await (const chunk of createReadStream(piece, { start: i === 0 ? 0 : header.length }))
        await out.write(chunk as Buffer);
    }
  } catch (e) {
    await out.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await out.close();
  for (const p of pieces) await rm(p);
  await rename(tmp, final);
  return (await stat(final)).size;
}

/**
 * The header line of a CSV file DuckDB wrote (through the first newline outside quotes: a
 * column name may hold one), or its first `n` bytes.
 */
async function headerOf(file: string, n?: number): Promise<Buffer> {
  const f = await open(file, 'r');
  try {
    const buf = Buffer.alloc(n ?? 1024 * 1024);
    const { bytesRead } = await f.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (n !== undefined) return head;
    let quoted = false;
    for (let i = 0; i < head.length; i++) {
      if (head[i] === 0x22) quoted = !quoted;
      else if (head[i] === 0x0a && !quoted) return head.subarray(0, i + 1);
    }
    throw new PondError(ErrorCode.Internal, `no header line in the first MiB of ${file}`);
  } finally {
    await f.close();
  }
}
