import type { CsvDialect } from '../../shared/import.js';
import { literal, stringList } from '../duckdb/sql.js';
import { TIMESTAMP, TIMESTAMPTZ, isIntegerType, isNumberType } from './column-types.js';

/**
 * The strict `read_csv` of a file whose dialect and column types are decided: auto-detection off,
 * strict mode, every choice explicit, so DuckDB reads the whole file exactly as planned and
 * refuses (with the line) a row that does not fit, instead of guessing again.
 *
 * Times are read as TIMESTAMP_NS (or TIMESTAMP with a strptime format), never as TIMESTAMPTZ:
 * DuckDB's CSV reader turns a TIMESTAMPTZ (or TIMETZ) value it cannot read into NULL without a
 * word, its TIMESTAMP reader drops a `+02:00` offset without a word, and its TIMESTAMP_NS reader
 * applies the offset and refuses what it cannot read, with the line. Text without a zone is UTC;
 * digits below the microsecond are dropped (a pond stores microseconds).
 */

/** A column of the file as it is read: its name in the query and the type DuckDB reads. */
export interface CsvReadColumn {
  name: string;
  readType: string;
}

export interface CsvReadOptions {
  /** The strptime format of TIMESTAMP columns (else the dialect's sniffed one, else ISO-8601). */
  timestampFormat?: string | null;
  /** Columns whose empty field is a value, not NULL (so a missing event time is a bad row). */
  forceNotNull?: string[];
  /** More read_csv arguments (e.g. for reject tables). */
  extra?: string;
}

/** The `read_csv(...)` call. */
export function strictCsvRead(
  file: string,
  d: CsvDialect,
  columns: CsvReadColumn[],
  o: CsvReadOptions = {},
): string {
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
    `columns = {${columns.map((c) => `${literal(c.name)}: ${literal(c.readType)}`).join(', ')}}`,
  ];
  const timestampFormat = o.timestampFormat ?? d.timestampFormat;
  if (timestampFormat) args.push(`timestampformat = ${literal(timestampFormat)}`);
  if (d.dateFormat) args.push(`dateformat = ${literal(d.dateFormat)}`);
  if (o.forceNotNull?.length) args.push(`force_not_null = ${stringList(o.forceNotNull)}`);
  if (o.extra) args.push(o.extra);
  return `read_csv(${literal(file)}, ${args.join(', ')})`;
}

/** Holds every BIGINT and UBIGINT, and ten decimals of a fraction to refuse. */
export const INTEGER_READ_TYPE = 'DECIMAL(38,10)';

/** The type DuckDB reads a CSV column as, to store it as `type` (see above). */
export function csvReadType(type: string, timestampFormat: string | null): string {
  if (/^TIMESTAMP/.test(type)) return timestampFormat ? TIMESTAMP : 'TIMESTAMP_NS';
  // Read as text and cast: the reader would turn a bad value into NULL.
  if (type === 'TIME WITH TIME ZONE') return 'VARCHAR';
  // DuckDB's reader (and its cast) round `1.5` to 2 in an integer column without a word, e.g. a
  // decimal value past the rows the sniffer looked at: read as a decimal (what is not a number is
  // still a bad row with its line), then cast exactly (convertSql). 128-bit integers as text.
  if (isIntegerType(type)) return /HUGEINT$/.test(type) ? 'VARCHAR' : INTEGER_READ_TYPE;
  return type;
}

/** The expression that makes a value of `type` from `expr`, of type `from`. */
export function convertSql(expr: string, from: string, type: string): string {
  if (from === type) return expr;
  if (isIntegerType(type) && (from === 'VARCHAR' || isFractionType(from)))
    return exactIntegerSql(expr, from, type);
  // Instants move between types by their µs count: no zone arithmetic (the session is UTC).
  const instant = from === 'DATE' ? `CAST(${expr} AS TIMESTAMP)` : expr;
  if (type === TIMESTAMPTZ && /^TIMESTAMP|^DATE$/.test(from))
    return `make_timestamptz(epoch_us(${instant}))`;
  if (type === TIMESTAMP && /^TIMESTAMP|^DATE$/.test(from))
    return `make_timestamp(epoch_us(${instant}))`;
  return `CAST(${expr} AS ${type})`;
}

function isFractionType(type: string): boolean {
  return isNumberType(type) && !isIntegerType(type);
}

/**
 * `expr` as an integer type, refusing a value that is not a whole number that fits it (DuckDB's
 * cast rounds `'1.5'` and `1.5` to 2). CSV integer columns come as DECIMAL(38,10) (a fraction
 * past the tenth decimal is not seen), 128-bit ones as text, compared with their DOUBLE reading.
 * The check costs DuckDB time to bind per column: a 10,000-column file of whole numbers converts
 * in about a minute instead of 6 s.
 */
function exactIntegerSql(expr: string, from: string, type: string): string {
  const text = from === 'VARCHAR';
  // A NULL passes (the cast gives NULL).
  const fraction = text
    ? `TRY_CAST(${expr} AS DOUBLE) IS DISTINCT FROM TRY_CAST(${expr} AS ${type})`
    : `${expr} <> trunc(${expr}) OR TRY_CAST(${expr} AS ${type}) IS NULL`;
  const shown = text ? expr : `CAST(${expr} AS DOUBLE)`;
  const refusal = `error(concat(${literal(`column ${expr}: '`)}, ${shown}, ${literal(`' is not a whole number that fits ${type}`)}))`;
  return `if(${expr} IS NOT NULL AND (${fraction}), ${refusal}, CAST(${expr} AS ${type}))`;
}
