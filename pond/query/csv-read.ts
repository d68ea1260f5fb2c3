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

/**
 * How a CSV's integer columns are read. DuckDB's integer reader (and its cast) round `1.5` to 2
 * without a word, e.g. a decimal value past the rows the sniffer looked at. `exact` reads them as
 * text and converts each value exactly (convertSql): a fraction is refused, naming the column and
 * the value; `typed` reads them with DuckDB's integer reader, which names the line of a value that
 * is not a number (what reject scans need) but rounds a fraction. (A DECIMAL(38,s) read would be
 * exact too, but DuckDB parses it about 90 times slower: 45 s for 5M rows of three columns.)
 */
export type IntegerRead = 'exact' | 'typed';

/** The type DuckDB reads a CSV column as, to store it as `type` (see above). */
export function csvReadType(
  type: string,
  timestampFormat: string | null,
  integers: IntegerRead = 'typed',
): string {
  if (/^TIMESTAMP/.test(type)) return timestampFormat ? TIMESTAMP : 'TIMESTAMP_NS';
  // Read as text and cast: the reader would turn a bad value into NULL.
  if (type === 'TIME WITH TIME ZONE') return 'VARCHAR';
  if (isIntegerType(type) && integers === 'exact') return 'VARCHAR';
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
 * `expr` as an integer type, refusing a value that is not a whole number that fits it. From
 * text: a value without '.', 'e' or 'E' (nearly all of them) is cast as it is (a value that is
 * not a number fails the cast); '12.000' is 12; one with an exponent ('1.5e1') is taken when it
 * is whole and below 2^53 (so its reading as a double is exact); anything else is refused. From
 * a DOUBLE or DECIMAL (a Parquet column retyped): refused unless whole and in range. The
 * refusal names only the column and the value: the caller finds the line (inexact-integers.ts).
 */
function exactIntegerSql(expr: string, from: string, type: string): string {
  const refuse = (shown: string) =>
    `error(concat(${literal(`column ${expr}: '`)}, ${shown}, ${literal(`' ${NOT_WHOLE} ${type}`)}))`;
  if (from !== 'VARCHAR') {
    return `if(${expr} IS NOT NULL AND (${expr} <> trunc(${expr}) OR TRY_CAST(${expr} AS ${type}) IS NULL), ${refuse(`CAST(${expr} AS DOUBLE)`)}, CAST(${expr} AS ${type}))`;
  }
  return textIntegerSql(expr, type, refuse(expr), (e) => `CAST(${e} AS ${type})`);
}

/** What a refused value is, after the value: `'1.5' is not a whole number that fits BIGINT`. */
export const NOT_WHOLE = 'is not a whole number that fits';

/**
 * Text `expr` as an integer `type`, or NULL when it is not a whole number that fits (a NULL
 * stays NULL): the test of which rows an exact read refuses (inexact-integers.ts).
 */
export function tryTextIntegerSql(expr: string, type: string): string {
  return textIntegerSql(expr, type, 'NULL', (e) => `TRY_CAST(${e} AS ${type})`);
}

function textIntegerSql(
  expr: string,
  type: string,
  refused: string,
  cast: (e: string) => string,
): string {
  const d = `TRY_CAST(${expr} AS DOUBLE)`;
  const m = `regexp_extract(${expr}, '^\\s*[+-]?([0-9]*)\\.?([0-9]*)[eE]([+-]?[0-9]+)\\s*$', ['i', 'f', 'e'])`;
  // An exponent form is whole when no digit but 0 comes after the point once it is moved.
  const wholeExponent = `length(rtrim(${m}.i || ${m}.f, '0')) <= length(${m}.i) + TRY_CAST(${m}.e AS BIGINT)`;
  const rare = `CASE WHEN ${expr} IS NULL THEN NULL
      WHEN NOT (contains(${expr}, '.') OR contains(${expr}, 'e') OR contains(${expr}, 'E')) THEN ${cast(expr)}
      WHEN regexp_full_match(${expr}, '\\s*[+-]?[0-9]+\\.0*\\s*') THEN ${cast(`split_part(${expr}, '.', 1)`)}
      WHEN regexp_full_match(${expr}, '\\s*[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)[eE][+-]?[0-9]+\\s*') AND ${wholeExponent} AND abs(${d}) < 9007199254740992 THEN ${cast(d)}
      ELSE ${refused} END`;
  // Nearly every value is written as the cast writes it back ('12', '-7'): that value is exact.
  // The rest ('1.5', '+7', '1e3', NULL, text) take the slow road: a value without '.', 'e' or
  // 'E' is cast as it is (text fails the cast); '12.000' is 12; a whole exponent form is taken.
  return `if(CAST(${cast(expr)} AS VARCHAR) = ${expr}, ${cast(expr)}, ${rare})`;
}
