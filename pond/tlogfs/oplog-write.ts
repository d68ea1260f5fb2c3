import { randomUUID } from 'node:crypto';
import type { AddFile, DeltaTable, JsRow } from '../delta/index.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident } from '../duckdb/sql.js';
import { duckdbNodeApi } from '../duckdb/node-api.js';
import { OPLOG_COLUMNS, type OplogRow } from './oplog.js';

/**
 * A transaction's rows become oplog data files (one per partition) in one of two ways, by size:
 * - small (a mkdir, a copy, a collect's few versions: the usual case): written as Parquet in JS
 *   (delta/write-rows.ts), uncompressed, with no DuckDB to start (~15 ms of CPU for its instance,
 *   more to load it in a process that had not), no temp table and no statements;
 * - large (many files with inline content): through DuckDB's COPY, which compresses (zstd), so
 *   the oplog stays as small on disk as it was; the start is small beside such a write.
 * The same rows give the same table either way (tested against each other: same rows, same stats).
 */

/** Rows whose values add up to more than this (bytes) are written by DuckDB. */
export const JS_WRITE_MAX_BYTES = 256 * 1024;

export async function writeOplogRows(
  table: DeltaTable,
  session: DuckSession,
  rows: readonly OplogRow[],
): Promise<AddFile[]> {
  if (valueBytes(rows) <= JS_WRITE_MAX_BYTES) return table.writeRows(rows.map(oplogRecord));
  const staged = await stageRows(session, rows);
  try {
    return await table.writeFiles(`SELECT * FROM ${staged}`);
  } finally {
    await session.run(`DROP TABLE IF EXISTS ${staged}`);
  }
}

/** Roughly the bytes the rows hold: their content and text, plus the fixed-width columns. */
function valueBytes(rows: readonly OplogRow[]): number {
  let n = 0;
  for (const r of rows) {
    n += 64 + (r.content?.length ?? 0) + (r.attributes?.length ?? 0) + (r.factory?.length ?? 0);
    if (n > JS_WRITE_MAX_BYTES) break;
  }
  return n;
}

/** A row as the Delta writer takes it (write-rows.ts): the table's columns, times in µs. */
export function oplogRecord(r: OplogRow): JsRow {
  return {
    part_id: r.part_id,
    node_id: r.node_id,
    entry_type: r.entry_type,
    version: r.version,
    timestamp: BigInt(r.timestamp) * 1000n,
    txn_seq: r.txn_seq,
    size: r.size,
    sha256: r.sha256,
    content: r.content,
    blob: r.blob,
    min_event_time: r.min_event_time,
    max_event_time: r.max_event_time,
    timestamp_column: r.timestamp_column,
    factory: r.factory,
    attributes: r.attributes,
  };
}

/**
 * Loads rows into a fresh temp table with DuckDB's appender and returns its name; the caller
 * writes it out through the Delta writer and drops it.
 */
export async function stageRows(session: DuckSession, rows: readonly OplogRow[]): Promise<string> {
  // Loaded here, not at the top: reading a pond must not load DuckDB's native module.
  const { blobValue, timestampTZValue } = duckdbNodeApi();
  const table = `oplog_stage_${randomUUID().replaceAll('-', '')}`;
  const cols = OPLOG_COLUMNS.map(([name, , duck]) => `${ident(name)} ${duck}`).join(', ');
  await session.run(`CREATE TEMP TABLE ${table} (${cols})`);
  const appender = await (await session.connection()).createAppender(table);
  for (const r of rows) {
    appender.appendVarchar(r.part_id);
    appender.appendVarchar(r.node_id);
    appender.appendVarchar(r.entry_type);
    appender.appendBigInt(BigInt(r.version));
    appender.appendTimestampTZ(timestampTZValue(BigInt(r.timestamp) * 1000n));
    appender.appendBigInt(BigInt(r.txn_seq));
    appendNullable(appender, r.size, (v) => appender.appendBigInt(BigInt(v)));
    appendNullable(appender, r.sha256, (v) => appender.appendVarchar(v));
    appendNullable(appender, r.content, (v) => appender.appendValue(blobValue(v)));
    appendNullable(appender, r.blob, (v) => appender.appendVarchar(v));
    appendNullable(appender, r.min_event_time, (v) =>
      appender.appendTimestampTZ(timestampTZValue(BigInt(v))),
    );
    appendNullable(appender, r.max_event_time, (v) =>
      appender.appendTimestampTZ(timestampTZValue(BigInt(v))),
    );
    appendNullable(appender, r.timestamp_column, (v) => appender.appendVarchar(v));
    appendNullable(appender, r.factory, (v) => appender.appendVarchar(v));
    appendNullable(appender, r.attributes, (v) => appender.appendVarchar(v));
    appender.endRow();
  }
  appender.closeSync();
  return table;
}

function appendNullable<T>(
  appender: { appendNull(): void },
  v: T | null,
  append: (v: T) => void,
): void {
  if (v === null) appender.appendNull();
  else append(v);
}
