import { open } from 'node:fs/promises';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident } from '../duckdb/sql.js';

export interface ColumnInfo {
  name: string;
  /** DuckDB's type name. */
  type: string;
  nullable: boolean;
}

/** Refuses a file that does not start and end with Parquet's `PAR1` magic. */
export async function checkParquetMagic(path: string, label = path): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new PondError(ErrorCode.NotFound, `${label} does not exist or cannot be read`, {
      input: label,
      cause: e,
    });
  }
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    if (size >= 12) {
      await fh.read(head, 0, 4, 0);
      await fh.read(tail, 0, 4, size - 4);
    }
    if (head.toString('latin1') !== 'PAR1' || tail.toString('latin1') !== 'PAR1') {
      throw new PondError(
        ErrorCode.BadInput,
        `${label} is not a Parquet file (no PAR1 magic bytes); copy CSV with host+csv+table:/// or host+csv+series:///`,
        { input: label },
      );
    }
  } finally {
    await fh.close();
  }
}

/** The columns of any relation, from DuckDB's DESCRIBE. */
export async function describeRelation(
  session: DuckSession,
  relation: string,
): Promise<ColumnInfo[]> {
  const rows = await session.all(`DESCRIBE ${relation}`);
  return rows.map((r) => ({
    name: r['column_name'] as string,
    type: r['column_type'] as string,
    nullable: r['null'] !== 'NO',
  }));
}

/** Column names tried, in order, when a series names no timestamp column (reference §6.3). */
export const TIMESTAMP_CANDIDATES = [
  'timestamp',
  'Timestamp',
  'event_time',
  'time',
  'ts',
  'datetime',
];

export function isTimeType(type: string): boolean {
  return /^TIMESTAMP/.test(type) || type === 'BIGINT';
}

/**
 * The event-time column of a series: the one asked for (which must exist and hold times), or the
 * first candidate column of a time type.
 */
export function timestampColumn(
  columns: ColumnInfo[],
  asked: string | undefined,
  where: string,
): ColumnInfo {
  if (asked !== undefined) {
    const c = columns.find((c) => c.name === asked);
    if (!c) {
      throw new PondError(
        ErrorCode.BadInput,
        `${where} has no column '${asked}' (columns: ${columns.map((c) => c.name).join(', ')})`,
        {
          input: where,
        },
      );
    }
    return c;
  }
  for (const name of TIMESTAMP_CANDIDATES) {
    const c = columns.find((c) => c.name === name && isTimeType(c.type));
    if (c) return c;
  }
  for (const name of TIMESTAMP_CANDIDATES) {
    const c = columns.find(
      (c) => c.name.toLowerCase() === name.toLowerCase() && isTimeType(c.type),
    );
    if (c) return c;
  }
  throw new PondError(
    ErrorCode.BadInput,
    `${where} has no timestamp column (looked for a time-typed ${TIMESTAMP_CANDIDATES.join(', ')}); name one with --timestamp-column`,
    { input: where },
  );
}

/** min and max of the event-time column, µs since the epoch (BIGINT columns are taken as µs). */
export async function eventBounds(
  session: DuckSession,
  relation: string,
  column: ColumnInfo,
): Promise<{ minUs: number | undefined; maxUs: number | undefined }> {
  return boundsOf(await session.all(eventBoundsSql(relation, column)));
}

/** The query behind `eventBounds`: one row, `lo` and `hi` in µs (DOUBLE, NULL when empty). */
export function eventBoundsSql(relation: string, column: ColumnInfo): string {
  const c = ident(column.name);
  const expr = (agg: string) =>
    column.type === 'BIGINT' ? `${agg}(${c})::DOUBLE` : `epoch_us(${agg}(${c}))::DOUBLE`;
  return `SELECT ${expr('min')} AS lo, ${expr('max')} AS hi FROM (${relation})`;
}

/** The bounds from the row of `eventBoundsSql`. */
export function boundsOf(rows: Record<string, unknown>[]): {
  minUs: number | undefined;
  maxUs: number | undefined;
} {
  const lo = rows[0]?.['lo'] as number | null;
  const hi = rows[0]?.['hi'] as number | null;
  return { minUs: lo ?? undefined, maxUs: hi ?? undefined };
}
