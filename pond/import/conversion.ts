import type { ImportColumn, ImportPlan } from '../../shared/import.js';
import { ident, literal } from '../duckdb/sql.js';
import { TIMESTAMP, TIMESTAMPTZ, isIntegerType } from '../query/column-types.js';
import { convertSql, csvReadType, strictCsvRead, type IntegerRead } from '../query/csv-read.js';
import type { EpochUnit } from '../../shared/import.js';
import type { TextIntegerColumn } from '../query/inexact-integers.js';
import { EPOCH_FACTOR, MICROS_TYPE, formatHasZone, isEpochUnit } from './event-time.js';

/**
 * The SQL that turns a plan's source into the rows it stores: the strict `read_csv` of
 * query/csv-read.ts with the plan's dialect and column types (nothing is sniffed again, so nothing
 * differs from the plan), or `read_parquet`, and a projection that renames, skips and converts.
 */

/**
 * The `read_csv(...)` call of a CSV plan (extra arguments, e.g. for rejects, appended).
 * `integers`: how integer columns are read (csv-read.ts): exactly, for what is stored; by
 * DuckDB's integer reader for scans that list rejected rows with their lines.
 */
export function csvReadSql(plan: ImportPlan, extra = '', integers: IntegerRead = 'exact'): string {
  const ts = eventColumn(plan);
  return strictCsvRead(
    plan.file,
    plan.dialect!,
    plan.columns.map((c) => ({ name: readName(c), readType: csvColumnType(plan, c, integers) })),
    {
      timestampFormat: csvTimestampFormat(plan),
      // An empty event time is a bad row with its line, not a NULL.
      ...(ts ? { forceNotNull: [readName(ts)] } : {}),
      extra,
    },
  );
}

/**
 * The projection over `from` (a read_csv or read_parquet call) that makes the stored rows;
 * `integers` as `from` was read (csvReadSql).
 */
export function conversionSql(
  plan: ImportPlan,
  from: string,
  integers: IntegerRead = 'exact',
): string {
  const exprs = plan.columns
    .filter((c) => !c.skip)
    .map((c) => `${columnExpr(plan, c, integers)} AS ${ident(c.name)}`);
  return `SELECT ${exprs.join(', ')} FROM ${from}`;
}

/**
 * The columns a CSV plan reads as text to convert them exactly to integers (csv-read.ts): the
 * ones whose values inexact-integers.ts checks.
 */
export function textIntegerColumns(plan: ImportPlan): TextIntegerColumn[] {
  if (plan.format !== 'csv') return [];
  return plan.columns
    .filter(
      (c) => !c.skip && isIntegerType(c.type) && csvColumnType(plan, c, 'exact') === 'VARCHAR',
    )
    .map((c) => ({ read: readName(c), column: c.name, type: c.type }));
}

/** Whether a Parquet source must be rewritten (else its bytes are stored as they are). */
export function parquetNeedsRewrite(plan: ImportPlan): boolean {
  return plan.columns.some(
    (c) => c.skip || c.name !== c.source || columnExpr(plan, c, 'exact') !== ident(readName(c)),
  );
}

/** The name a column is read under: its stored name, or a placeholder when it is skipped. */
function readName(c: ImportColumn): string {
  return c.skip ? `__skipped_${c.position}` : c.name;
}

function eventColumn(plan: ImportPlan): ImportColumn | undefined {
  return plan.timestamp && plan.columns.find((c) => !c.skip && c.name === plan.timestamp!.column);
}

/**
 * How an epoch event time is read: DuckDB's BIGINT reader would round a 1704067200.5 past the
 * sniffed rows to ...201 without a word, and a DOUBLE is not exact past 2^53. Seconds and ms as
 * decimals that keep every µs (DECIMAL(18,s) is 64-bit: DuckDB reads it as fast as a BIGINT, and
 * it holds times up to the year 33658); µs counts as BIGINT (digits below the µs are dropped, as
 * for text times).
 */
const EPOCH_READ_TYPE: Record<EpochUnit, string> = {
  'epoch-s': 'DECIMAL(18,6)',
  'epoch-ms': 'DECIMAL(18,3)',
  'epoch-us': 'BIGINT',
};

/** The type a CSV column is read as. */
function csvColumnType(plan: ImportPlan, c: ImportColumn, integers: IntegerRead): string {
  if (c.skip) return 'VARCHAR';
  const f = plan.timestamp?.format ?? null;
  if (c === eventColumn(plan) && isEpochUnit(f)) return EPOCH_READ_TYPE[f];
  if (c === eventColumn(plan)) return csvReadType(TIMESTAMPTZ, csvTimestampFormat(plan));
  return csvReadType(c.type, csvTimestampFormat(plan), integers);
}

/** The strptime format of the file's times: the event time's, else the sniffed one. */
function csvTimestampFormat(plan: ImportPlan): string | null {
  const f = plan.timestamp?.format ?? null;
  return f !== null && !isEpochUnit(f) ? f : plan.dialect!.timestampFormat;
}

/** The expression that makes a stored column from what was read. */
function columnExpr(plan: ImportPlan, c: ImportColumn, integers: IntegerRead): string {
  const x = ident(readName(c));
  const csv = plan.format === 'csv';
  const readType = csv ? csvColumnType(plan, c, integers) : c.sourceType;
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
            : // 38 digits for the product (a DECIMAL(18,s) times 10^6 overflows 18).
              `CAST(round(CAST(${x} AS DECIMAL(38,6)) * ${EPOCH_FACTOR[f]}) AS BIGINT)`;
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
