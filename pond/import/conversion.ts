import type { ImportColumn, ImportPlan } from '../../shared/import.js';
import { ident, literal, stringList } from '../duckdb/sql.js';
import { TIMESTAMP, TIMESTAMPTZ, isIntegerType } from './column-types.js';
import { EPOCH_FACTOR, formatHasZone, isEpochUnit } from './event-time.js';

/**
 * The SQL that turns a plan's source into the rows it stores: a strict `read_csv` with every
 * dialect choice and column type explicit (nothing is sniffed again, so nothing differs from the
 * plan), or `read_parquet`, and a projection that renames, skips and converts.
 *
 * Times are read as TIMESTAMP_NS (or TIMESTAMP with a strptime format), never as TIMESTAMPTZ:
 * DuckDB's CSV reader turns a TIMESTAMPTZ (or TIMETZ) value it cannot read into NULL without a
 * word, its TIMESTAMP reader drops a `+02:00` offset without a word, and its TIMESTAMP_NS reader
 * applies the offset and refuses what it cannot read, with the line. Text without a zone is UTC;
 * digits below the microsecond are dropped (a pond stores microseconds).
 */

/** The `read_csv(...)` call of a CSV plan (extra arguments, e.g. for rejects, appended). */
export function csvReadSql(plan: ImportPlan, extra = ''): string {
  const d = plan.dialect!;
  const args = [
    'auto_detect = false',
    'strict_mode = true',
    `header = ${d.header}`,
    `skip = ${d.skip}`,
    `delim = ${literal(d.delimiter)}`,
    `quote = ${literal(d.quote)}`,
    `escape = ${literal(d.escape)}`,
    `encoding = ${literal(d.encoding)}`,
    `compression = ${literal(d.compression)}`,
    `nullstr = ${stringList(['', ...d.nullStrings])}`,
    `columns = {${plan.columns.map((c) => `${literal(readName(c))}: ${literal(csvReadType(plan, c))}`).join(', ')}}`,
  ];
  const ts = eventColumn(plan);
  const timestampFormat = csvTimestampFormat(plan);
  if (timestampFormat) args.push(`timestampformat = ${literal(timestampFormat)}`);
  if (d.dateFormat) args.push(`dateformat = ${literal(d.dateFormat)}`);
  // An empty event time is a bad row with its line, not a NULL.
  if (ts) args.push(`force_not_null = [${literal(readName(ts))}]`);
  if (extra) args.push(extra);
  return `read_csv(${literal(plan.file)}, ${args.join(', ')})`;
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

/** The type a CSV column is read as. */
function csvReadType(plan: ImportPlan, c: ImportColumn): string {
  if (c.skip) return 'VARCHAR';
  if (c === eventColumn(plan) && isEpochUnit(plan.timestamp!.format))
    return isIntegerType(c.sourceType) ? 'BIGINT' : 'DOUBLE';
  if (c === eventColumn(plan) || /^TIMESTAMP/.test(c.type))
    return csvTimestampFormat(plan) ? TIMESTAMP : 'TIMESTAMP_NS';
  // Read as text and cast: the reader would turn a bad value into NULL (see above).
  if (c.type === 'TIME WITH TIME ZONE') return 'VARCHAR';
  return c.type;
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
  const readType = csv ? csvReadType(plan, c) : c.sourceType;
  let expr = x;
  let type = readType;
  if (c === eventColumn(plan)) {
    const f = plan.timestamp!.format;
    if (isEpochUnit(f)) {
      const us = isIntegerType(readType)
        ? `${x}::BIGINT * ${EPOCH_FACTOR[f]}`
        : `CAST(round(${x} * ${EPOCH_FACTOR[f]}) AS BIGINT)`;
      [expr, type] = [`make_timestamptz(${us})`, TIMESTAMPTZ];
    } else if (f !== null && !csv) {
      [expr, type] = [`strptime(${x}, ${literal(f)})`, formatHasZone(f) ? TIMESTAMPTZ : TIMESTAMP];
    }
  }
  if (type === c.type) return expr;
  // Instants move between types by their µs count: no zone arithmetic (the session is UTC).
  if (c.type === TIMESTAMPTZ && /^TIMESTAMP|^DATE$/.test(type))
    return `make_timestamptz(epoch_us(${type === 'DATE' ? `CAST(${expr} AS TIMESTAMP)` : expr}))`;
  if (c.type === TIMESTAMP && /^TIMESTAMP|^DATE$/.test(type))
    return `make_timestamp(epoch_us(${type === 'DATE' ? `CAST(${expr} AS TIMESTAMP)` : expr}))`;
  return `CAST(${expr} AS ${c.type})`;
}
