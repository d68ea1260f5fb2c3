import type { DuckSession } from '../duckdb/session.js';
import { literal, stringList } from '../duckdb/sql.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { EntryType } from '../tinyfs/entry-type.js';
import { ROW_PROJECTION, type OplogRow } from './oplog.js';

/** Which rows of the files to return: those of some nodes, or those a transaction wrote. */
export interface RowFilter {
  nodes?: ReadonlySet<string>;
  txn?: number;
}

/** The filter as a test on a row read in JS. */
export function keepsRow(filter: RowFilter): (r: OplogRow) => boolean {
  const { nodes, txn } = filter;
  return (r) =>
    (nodes === undefined || nodes.has(r.node_id)) && (txn === undefined || r.txn_seq === txn);
}

/**
 * The rows of large oplog files read by DuckDB, by file path. Large files (a directory of many
 * thousands of entries) decode several times faster in DuckDB than in JS, and the filter is
 * pushed into the scan; small ones are read in JS (oplog-file.ts), which needs no DuckDB at all.
 * Both give the same rows (tested against each other on the same files).
 */
export async function readOplogFilesDuckDB(
  session: DuckSession,
  files: readonly { path: string; partId: string }[],
  filter: RowFilter,
): Promise<Map<string, OplogRow[]>> {
  const where: string[] = [];
  if (filter.nodes !== undefined)
    where.push(`node_id IN (${[...filter.nodes].map(literal).join(', ') || 'NULL'})`);
  if (filter.txn !== undefined) where.push(`txn_seq = ${Number(filter.txn)}`);
  const sql =
    `SELECT filename, ${ROW_PROJECTION} FROM read_parquet(${stringList(files.map((f) => f.path))}, ` +
    `filename = true, hive_partitioning = false)` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '');
  let raw: Record<string, unknown>[];
  try {
    raw = await session.all(sql);
  } catch (e) {
    throw new PondError(
      ErrorCode.DeltaCorrupt,
      `cannot read oplog files ${files.map((f) => f.path).join(', ')}: ${(e as Error).message}`,
      { input: files[0]?.path ?? '', cause: e },
    );
  }
  const partOf = new Map(files.map((f) => [f.path, f.partId]));
  const grouped = new Map<string, OplogRow[]>(files.map((f) => [f.path, []]));
  for (const r of raw) {
    const file = r['filename'] as string;
    grouped.get(file)!.push(toRow(r, partOf.get(file)!));
  }
  return grouped;
}

function toRow(r: Record<string, unknown>, partId: string): OplogRow {
  const content = r['content'];
  return {
    part_id: partId,
    node_id: r['node_id'] as string,
    entry_type: r['entry_type'] as EntryType,
    version: r['version'] as number,
    timestamp: r['timestamp'] as number,
    txn_seq: r['txn_seq'] as number,
    size: r['size'] as number | null,
    sha256: r['sha256'] as string | null,
    content: content === null ? null : new Uint8Array(content as Uint8Array),
    blob: r['blob'] as string | null,
    min_event_time: r['min_event_time'] as number | null,
    max_event_time: r['max_event_time'] as number | null,
    timestamp_column: r['timestamp_column'] as string | null,
    factory: r['factory'] as string | null,
    attributes: r['attributes'] as string | null,
  };
}
