import type { ImportColumn, ImportPlan } from '../../shared/import.js';
import { ident, literal } from '../duckdb/sql.js';
import { TIMESTAMP, TIMESTAMPTZ, isIntegerType } from '../query/column-types.js';
import { convertSql, csvReadType, strictCsvRead } from '../query/csv-read.js';
import { EPOCH_FACTOR, MICROS_TYPE, formatHasZone, isEpochUnit } from './event-time.js';

/**
 * The SQL that turns a plan's source into the rows it stores: the strict `read_csv` of
 * query/csv-read.ts with the plan's dialect and column types (nothing is sniffed again, so nothing
 * differs from the plan), or `read_parquet`, and a projection that renames, skips and converts.
 */

/** The `read_csv(...)` call of a CSV plan (extra arguments, e.g. for rejects, appended). */
export function csvReadSql(plan: ImportPlan, extra = ''): string {
  const ts = eventColumn(plan);
  return strictCsvRead(
    plan.file,
    plan.dialect!,
    plan.columns.map((c) => ({ name: readName(c), readType: csvColumnType(plan, c) })),
    {
      timestampFormat: csvTimestampFormat(plan),
      // An empty event time is a bad row with its line, not a NULL.
      ...(ts ? { forceNotNull: [readName(ts)] } : {}),
      extra,
    },
  );
}

/** The projection over `from` (a read_csv or read_parquet call) that makes the stored rows. */
export function conversionSql(plan: ImportPlan, from: string): string {
  const exprs = plan.columns
    .filter((c) => !c.skip)
    .map((c) => `${columnExpr(plan, c)} AS ${ident(c.name)}`);
  return `SELECT ${exprs.join(', ')} FROM ${from}`;
}

/** Whether a Parquet source must be rewritten (else its bytes are stored as they are). */
export function parquetNeedsRewrite(plan: ImportPlan): boolean {
  return plan.columns.some(
    (c) => c.skip || c.name !== c.source || columnExpr(plan, c) !== ident(readName(c)),
  );
}

/** The name a column is read under: its stored name, or a placeholder when it is skipped. */
function readName(c: ImportColumn): string {
  return c.skip ? `__skipped_${c.position}` : c.name;
}

function eventColumn(plan: ImportPlan): ImportColumn | undefined {
  return plan.timestamp && plan.columns.find((c) => !c.skip && c.name === plan.timestamp!.column);
}

const EPOCH_READ_TYPE = 'DECIMAL(38,6)';

/** The type a CSV column is read as. */
function csvColumnType(plan: ImportPlan, c: ImportColumn): string {
  if (c.skip) return 'VARCHAR';
  // A decimal, even when the sniffer saw whole numbers: DuckDB's BIGINT reader rounds a
  // 1704067200.5 further down to ...201 without a word, and a DOUBLE is not exact past 2^53 µs.
  // Six decimals keep every µs of epoch-s (digits below the µs are dropped, as for text times).
  if (c === eventColumn(plan) && isEpochUnit(plan.timestamp!.format)) return EPOCH_READ_TYPE;
  if (c === eventColumn(plan)) return csvReadType(TIMESTAMPTZ, csvTimestampFormat(plan));
  return csvReadType(c.type, csvTimestampFormat(plan));
}

/** The strptime format of the file's times: the event time's, else the sniffed one. */
function csvTimestampFormat(plan: ImportPlan): string | null {
  const f = plan.timestamp?.format ?? null;
  return f !== null && !isEpochUnit(f) ? f : plan.dialect!.timestampFormat;
}

/** The expression that makes a stored column from what was read. */
function columnExpr(plan: ImportPlan, c: ImportColumn): string {
  const x = ident(readName(c));
  const csv = plan.format === 'csv';
  const readType = csv ? csvColumnType(plan, c) : c.sourceType;
  let expr = x;
  let type = readType;
  if (c === eventColumn(plan)) {
    const f = plan.timestamp!.format;
    if (isEpochUnit(f)) {
      const us =
        readType === MICROS_TYPE && f === 'epoch-us'
          ? x
          : isIntegerType(readType)
            ? `${x}::BIGINT * ${EPOCH_FACTOR[f]}`
            : `CAST(round(${x} * ${EPOCH_FACTOR[f]}) AS BIGINT)`;
      [expr, type] =
        c.type === MICROS_TYPE ? [us, MICROS_TYPE] : [`make_timestamptz(${us})`, TIMESTAMPTZ];
    } else if (f !== null && !csv) {
      [expr, type] = [`strptime(${x}, ${literal(f)})`, formatHasZone(f) ? TIMESTAMPTZ : TIMESTAMP];
    }
    // An event time counted in µs (see event-time.ts): times become their µs since the epoch.
    if (c.type === MICROS_TYPE && type !== MICROS_TYPE)
      [expr, type] = [`epoch_us(${expr})`, MICROS_TYPE];
  }
  return convertSql(expr, type, c.type);
}
