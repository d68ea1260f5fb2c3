import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident, literal } from '../duckdb/sql.js';
import type { AddFile } from './actions.js';
import { encodeDataPath } from './data-paths.js';
import { checkWritablePartitionType, serializePartitionValue } from './partition-values.js';
import { type StructField, duckdbType, fieldOf, typeName } from './schema.js';
import type { Snapshot } from './snapshot.js';
import { type ColumnStatistics, buildStats } from './stats.js';

/**
 * Writing data files with DuckDB: `COPY (relation) TO root (FORMAT parquet, COMPRESSION zstd,
 * PARTITION_BY (...), RETURN_STATS)`. Partition columns are left out of the files (their values
 * go to the log), file names are unique (`part-<uuid>.parquet`), and DuckDB reports each file's
 * row count and column statistics as it writes, so stats need no second scan.
 */

export interface WriteOptions {
  /** Split each partition into files of at most this many rows. */
  targetFileRows?: number;
}

interface CopyRow {
  filename: string;
  count: string;
  column_statistics: { key: string; value: { key: string; value: string }[] }[] | null;
  partition_keys: { key: string; value: string | null }[] | null;
}

export async function writeFiles(
  session: DuckSession,
  snapshot: Snapshot,
  relationSql: string,
  o: WriteOptions = {},
): Promise<AddFile[]> {
  const schema = snapshot.schema;
  const partitionColumns = snapshot.metadata.partitionColumns;
  for (const c of partitionColumns) checkWritablePartitionType(fieldOf(schema, c)!.type, c);
  if (
    o.targetFileRows !== undefined &&
    (!Number.isInteger(o.targetFileRows) || o.targetFileRows < 1)
  ) {
    throw new PondError(ErrorCode.InvalidArgument, `targetFileRows must be a positive integer`, {
      input: String(o.targetFileRows),
    });
  }
  const projection = await conformingProjection(session, schema.fields, relationSql);
  const source = `SELECT ${projection} FROM (${relationSql})`;
  // Rows are collected as each COPY returns, so a failure in a later chunk still cleans up.
  const rows: CopyRow[] = [];
  try {
    if (o.targetFileRows === undefined) {
      rows.push(...(await copy(session, snapshot.root, source, partitionColumns)));
    } else {
      await copyInChunks(session, snapshot.root, source, partitionColumns, o.targetFileRows, rows);
    }
    const adds: AddFile[] = [];
    for (const r of rows) {
      if (Number(r.count) === 0) {
        await fs.rm(r.filename, { force: true }); // an empty relation still makes an empty file
        continue;
      }
      adds.push(await addFor(snapshot, r));
    }
    return adds;
  } catch (e) {
    await Promise.all(rows.map((r) => fs.rm(r.filename, { force: true })));
    throw e;
  }
}

// DuckDB's own spelling of each schema column's type, to compare nested types exactly. The same
// for every write to a table, so kept per column list.
const canonicalCache = new Map<string, Map<string, string>>();

async function canonicalTypes(
  session: DuckSession,
  fields: StructField[],
): Promise<Map<string, string>> {
  const select = fields
    .map((f) => `CAST(NULL AS ${duckdbType(f.type)}) AS ${ident(f.name)}`)
    .join(', ');
  let types = canonicalCache.get(select);
  if (!types) {
    const rows = await session.all<{ column_name: string; column_type: string }>(
      `DESCRIBE SELECT ${select}`,
    );
    types = new Map(rows.map((d) => [d.column_name, d.column_type]));
    if (canonicalCache.size > 100) canonicalCache.clear();
    canonicalCache.set(select, types);
  }
  return types;
}

/** `CAST(col AS type)` for every schema column, after checking the relation fits the schema. */
async function conformingProjection(
  session: DuckSession,
  fields: StructField[],
  relationSql: string,
): Promise<string> {
  const described = await session.all<{ column_name: string; column_type: string }>(
    `DESCRIBE SELECT * FROM (${relationSql})`,
  );
  const have = new Map(described.map((d) => [d.column_name, d.column_type]));
  for (const name of have.keys()) {
    if (!fields.some((f) => f.name === name)) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `column '${name}' is not in the table schema`,
        { input: name },
      );
    }
  }
  const want = await canonicalTypes(session, fields);
  return fields
    .map((f) => {
      const target = want.get(f.name)!;
      const source = have.get(f.name);
      if (source === undefined) {
        if (!f.nullable) {
          throw new PondError(
            ErrorCode.InvalidArgument,
            `non-nullable column '${f.name}' is missing from the data`,
            {
              input: f.name,
            },
          );
        }
        return `CAST(NULL AS ${target}) AS ${ident(f.name)}`;
      }
      if (source !== target && !widens(source, target)) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `column '${f.name}' has type ${source}, which does not fit the table's ${typeName(f.type)} (${target})`,
          { input: f.name },
        );
      }
      return `CAST(${ident(f.name)} AS ${target}) AS ${ident(f.name)}`;
    })
    .join(', ');
}

// Source types that convert to a target without losing information. TIMESTAMP is read as UTC
// (every session runs with TimeZone=UTC).
const WIDENS: Record<string, string[]> = {
  BIGINT: ['TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT', 'UINTEGER'],
  INTEGER: ['TINYINT', 'SMALLINT', 'UTINYINT', 'USMALLINT'],
  SMALLINT: ['TINYINT', 'UTINYINT'],
  DOUBLE: ['FLOAT', 'TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT', 'UINTEGER'],
  'TIMESTAMP WITH TIME ZONE': ['TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS'],
};

function widens(source: string, target: string): boolean {
  if (source === '"NULL"' || source === 'NULL') return true;
  if (WIDENS[target]?.includes(source)) return true;
  const t = /^DECIMAL\((\d+),(\d+)\)$/.exec(target);
  const s = /^DECIMAL\((\d+),(\d+)\)$/.exec(source);
  if (t && s)
    return (
      Number(s[2]) <= Number(t[2]) && Number(s[1]) - Number(s[2]) <= Number(t[1]) - Number(t[2])
    );
  const intDigits: Record<string, number> = { TINYINT: 3, SMALLINT: 5, INTEGER: 10, BIGINT: 19 };
  if (t && intDigits[source] !== undefined)
    return intDigits[source]! <= Number(t[1]) - Number(t[2]);
  return false;
}

async function copy(
  session: DuckSession,
  root: string,
  source: string,
  partitionColumns: string[],
): Promise<CopyRow[]> {
  const options = 'FORMAT parquet, COMPRESSION zstd, RETURN_STATS';
  if (partitionColumns.length === 0) {
    // Without PARTITION_BY, COPY writes exactly one file at the path given.
    const file = path.join(root, `part-${randomUUID()}.parquet`);
    return session.allJson<CopyRow & Record<string, unknown>>(
      `COPY (${source}) TO ${literal(file)} (${options})`,
    );
  }
  return session.allJson<CopyRow & Record<string, unknown>>(
    `COPY (${source}) TO ${literal(root)} (${options}, PARTITION_BY (${partitionColumns.map(ident).join(', ')}), ` +
      `FILENAME_PATTERN 'part-{uuid}', APPEND)`,
  );
}

/** DuckDB cannot rotate files within PARTITION_BY, so number rows per partition and copy per chunk. */
async function copyInChunks(
  session: DuckSession,
  root: string,
  source: string,
  partitionColumns: string[],
  rowsPerFile: number,
  rows: CopyRow[],
): Promise<void> {
  const table = ident(`pond_delta_write_${randomUUID().replaceAll('-', '')}`);
  const over =
    partitionColumns.length === 0 ? '' : `PARTITION BY ${partitionColumns.map(ident).join(', ')}`;
  await session.run(
    `CREATE TEMP TABLE ${table} AS SELECT *, (row_number() OVER (${over}) - 1) // ${rowsPerFile} AS __pond_chunk FROM (${source})`,
  );
  try {
    const [{ n }] = (await session.all<{ n: number | null }>(
      `SELECT max(__pond_chunk)::INTEGER AS n FROM ${table}`,
    )) as [{ n: number | null }];
    for (let chunk = 0; chunk <= (n ?? -1); chunk++) {
      const part = `SELECT * EXCLUDE (__pond_chunk) FROM ${table} WHERE __pond_chunk = ${chunk}`;
      rows.push(...(await copy(session, root, part, partitionColumns)));
    }
  } finally {
    await session.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

async function addFor(snapshot: Snapshot, r: CopyRow): Promise<AddFile> {
  const schema = snapshot.schema;
  const partitionColumns = snapshot.metadata.partitionColumns;
  const keys = new Map((r.partition_keys ?? []).map((k) => [k.key, k.value]));
  const partitionValues: Record<string, string | null> = {};
  for (const c of partitionColumns) {
    const f = fieldOf(schema, c)!;
    const v = serializePartitionValue(f.type, keys.get(c) ?? null, c);
    if (v === null && !f.nullable) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `non-nullable partition column '${c}' has a null value`,
        {
          input: c,
        },
      );
    }
    partitionValues[c] = v;
  }
  const columns: ColumnStatistics = new Map(
    (r.column_statistics ?? []).map((c) => [
      c.key,
      new Map(c.value.map((kv) => [kv.key, kv.value])),
    ]),
  );
  for (const f of schema.fields) {
    if (f.nullable || partitionColumns.includes(f.name)) continue;
    const nulls = Number(
      columns.get(`"${f.name.replaceAll('"', '""')}"`)?.get('null_count') ?? '0',
    );
    if (nulls > 0) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `non-nullable column '${f.name}' has ${nulls} null values`,
        {
          input: f.name,
        },
      );
    }
  }
  const stat = await fs.stat(r.filename);
  const relative = path.relative(snapshot.root, r.filename).split(path.sep).join('/');
  return {
    path: encodeDataPath(relative),
    partitionValues,
    size: stat.size,
    modificationTime: Math.floor(stat.mtimeMs),
    dataChange: true,
    stats: buildStats(schema, partitionColumns, Number(r.count), columns),
  };
}
