import { ErrorCode, PondError } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident } from '../duckdb/sql.js';
import { nodeRelation } from '../query/node-relation.js';
import { describeRelation, type ColumnInfo } from '../query/parquet-file.js';
import { windowRelation } from '../query/time-window.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import type { ExportTarget } from './targets.js';
import { partValue, type TemporalPart } from './temporal.js';

/** A table or series target whose timestamp column was checked: its rows in the time window. */
export interface CheckedTarget {
  target: ExportTarget;
  /** The target's rows in the window, as SQL usable in `FROM (...)`. */
  relation: string;
  schema: ColumnInfo[];
}

/** Inclusive bounds, µs since the epoch. */
export interface UsRange {
  startUs?: number;
  endUs?: number;
}

/**
 * Checks a table or series for export: it needs a non-null `timestamp` column of a timestamp
 * type (partitions and time ranges come from it). Anything else is refused before a byte is
 * written: the original once turned null timestamps into `year=0/month=0` partitions.
 */
export async function checkTarget(
  txn: PondTxn,
  session: DuckSession,
  target: ExportTarget,
  range: UsRange,
): Promise<CheckedTarget> {
  const base = await nodeRelation(
    target.node,
    target.path,
    { txn, expanding: [] },
    { timeRange: range },
  );
  const schema = await describeRelation(session, base);
  const ts = schema.find((c) => c.name === 'timestamp');
  if (!ts) {
    throw new PondError(
      ErrorCode.ExportError,
      `'${target.path}' has no column named timestamp (export partitions by it); columns: ${schema.map((c) => c.name).join(', ')}`,
      { input: target.path },
    );
  }
  if (!ts.type.startsWith('TIMESTAMP')) {
    throw new PondError(
      ErrorCode.ExportError,
      `'${target.path}': column timestamp is ${ts.type}, not a timestamp`,
      { input: target.path },
    );
  }
  const nulls = (
    await session.all(`SELECT count(*)::DOUBLE AS n FROM (${base}) WHERE "timestamp" IS NULL`)
  )[0]?.['n'] as number;
  if (nulls > 0) {
    throw new PondError(
      ErrorCode.ExportError,
      `'${target.path}': column timestamp is nullable and holds ${nulls} null values; export needs a non-null timestamp (nothing was written)`,
      { input: target.path },
    );
  }
  return { target, relation: windowRelation(base, 'timestamp', range), schema };
}

/** The rows one partition of a target will get, and the first and last time among them. */
export interface PartitionCount {
  /** Partition values by part (empty without temporal parts). */
  values: Partial<Record<TemporalPart, number>>;
  rows: number;
  /** µs since the epoch; undefined when the partition is empty. */
  firstUs: number | undefined;
  lastUs: number | undefined;
}

/**
 * Rows per partition of a checked target, with one GROUP BY over the same relation and the same
 * partition expressions the COPY uses, so the counts are exactly what the run writes. Without
 * temporal parts there is one partition (possibly empty: the run still writes its one file).
 */
export async function partitionCounts(
  session: DuckSession,
  t: CheckedTarget,
  temporal: TemporalPart[],
): Promise<PartitionCount[]> {
  const ts = `q.${ident('timestamp')}`;
  const parts = temporal.map((p) => `${partValue(p, ts)} AS ${ident(p)}`);
  const stats = `count(*)::DOUBLE AS n, epoch_us(min(${ts}))::DOUBLE AS first, epoch_us(max(${ts}))::DOUBLE AS last`;
  const sql =
    parts.length === 0
      ? `SELECT ${stats} FROM (${t.relation}) AS q`
      : `SELECT ${parts.join(', ')}, ${stats} FROM (${t.relation}) AS q GROUP BY ALL ORDER BY ALL`;
  const rows = await session.all(sql);
  return rows.map((r) => ({
    values: Object.fromEntries(temporal.map((p) => [p, Number(r[p])])),
    rows: Number(r['n']),
    firstUs: r['first'] === null ? undefined : Number(r['first']),
    lastUs: r['last'] === null ? undefined : Number(r['last']),
  }));
}
