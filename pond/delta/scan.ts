import fs from 'node:fs';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { DuckSession, Row } from '../duckdb/session.js';
import { ident, literal, stringList } from '../duckdb/sql.js';
import type { AddFile } from './actions.js';
import { canonicalPartitionValue, partitionValueSql } from './partition-values.js';
import { type StructField, duckdbType, fieldOf } from './schema.js';
import type { Snapshot } from './snapshot.js';

/**
 * Reading a snapshot's rows through DuckDB. The result is a plain relation (SQL text), so a
 * caller's projections and filters push down into `read_parquet`.
 *
 * Partition columns come from each file's `partitionValues` in the log, never from directory
 * names (`hive_partitioning = false`). Columns missing from a file read as NULL.
 */

export interface ScanOptions {
  /** Columns to return, in this order; all schema columns in schema order by default. */
  columns?: string[];
  /** Keep only files whose partition values equal these (serialized form; null = null partition). */
  partitionEquals?: Record<string, string | null>;
}

export function scanSql(snapshot: Snapshot, o: ScanOptions = {}): string {
  return filesRelationSql(snapshot, pruneFiles(snapshot, o.partitionEquals), o.columns);
}

export async function scanRows<T extends Row = Row>(
  session: DuckSession,
  snapshot: Snapshot,
  o: ScanOptions = {},
): Promise<T[]> {
  return session.all<T>(scanSql(snapshot, o));
}

/** The live files whose partition values match (typed comparison: '01' equals '1' for ints). */
export function pruneFiles(
  snapshot: Snapshot,
  equals: Record<string, string | null> | undefined,
): AddFile[] {
  if (!equals || Object.keys(equals).length === 0) return snapshot.files;
  const wanted = Object.entries(equals).map(([column, value]) => {
    if (!snapshot.metadata.partitionColumns.includes(column)) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `'${column}' is not a partition column of ${snapshot.root}`,
        {
          input: column,
        },
      );
    }
    const type = fieldOf(snapshot.schema, column)!.type;
    return { column, type, value: canonicalPartitionValue(type, value, column) };
  });
  return snapshot.files.filter((add) =>
    wanted.every(
      (w) => canonicalPartitionValue(w.type, add.partitionValues[w.column], w.column) === w.value,
    ),
  );
}

/** A relation over exactly these files of the snapshot (optimize rewrites bins this way). */
export function filesRelationSql(
  snapshot: Snapshot,
  files: readonly AddFile[],
  columns?: string[],
): string {
  const schema = snapshot.schema;
  const partitionColumns = snapshot.metadata.partitionColumns;
  const fields: StructField[] = (columns ?? schema.fields.map((f) => f.name)).map((name) => {
    const f = fieldOf(schema, name);
    if (!f) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `column '${name}' is not in the schema of ${snapshot.root}`,
        {
          input: name,
        },
      );
    }
    return f;
  });
  const projection = fields
    .map((f) => `CAST(${ident(f.name)} AS ${duckdbType(f.type)}) AS ${ident(f.name)}`)
    .join(', ');
  // Every schema column, typed, with no rows: the union fills columns no file has with NULL.
  const typedEmpty = `SELECT ${schema.fields
    .map((f) => `CAST(NULL AS ${duckdbType(f.type)}) AS ${ident(f.name)}`)
    .join(', ')} LIMIT 0`;
  if (files.length === 0) return `SELECT ${projection} FROM (${typedEmpty})`;

  // One read_parquet per distinct partition tuple, with that tuple's values as typed literals.
  const groups = new Map<string, { add: AddFile; paths: string[] }>();
  for (const add of files) {
    const abs = snapshot.filePath(add);
    if (!fs.existsSync(abs)) throw missingFile(snapshot, add, abs);
    const key = JSON.stringify(partitionColumns.map((c) => add.partitionValues[c] ?? null));
    const g = groups.get(key) ?? { add, paths: [] };
    groups.set(key, g);
    g.paths.push(abs);
  }
  const dataColumns =
    partitionColumns.length === 0
      ? '*'
      : `COLUMNS(c -> NOT list_contains(${stringList(partitionColumns)}, c))`;
  const parts = [...groups.values()].map(({ add, paths }) => {
    const values = partitionColumns.map(
      (c) =>
        `${partitionValueSql(fieldOf(schema, c)!.type, add.partitionValues[c], c)} AS ${ident(c)}`,
    );
    const select = [dataColumns, ...values].join(', ');
    return `SELECT ${select} FROM read_parquet(${stringList(paths)}, union_by_name = true, hive_partitioning = false)`;
  });
  const union = [typedEmpty, ...parts].map((p) => `(${p})`).join(' UNION ALL BY NAME ');
  return `SELECT ${projection} FROM (${union})`;
}

function missingFile(snapshot: Snapshot, add: AddFile, abs: string): PondError {
  const v = snapshot.addedIn(add);
  return new PondError(
    ErrorCode.DeltaCorrupt,
    `Delta table ${snapshot.root} at version ${snapshot.version}: data file ${literal(add.path)} ` +
      `(${v === snapshot.state.checkpointVersion ? `in the checkpoint of version ${v}` : `added in version ${v}`}) ` +
      `does not exist at ${abs}`,
    { input: abs },
  );
}
