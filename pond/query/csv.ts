import { randomUUID } from 'node:crypto';
import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident, literal } from '../duckdb/sql.js';

/** How to read a CSV file; anything left out is sniffed by DuckDB. */
export interface CsvOptions {
  delimiter?: string;
  header?: boolean;
  quote?: string;
  escape?: string;
  compression?: 'gzip' | 'zstd';
  /** Column types to force, by column name (DuckDB type names). */
  types?: Record<string, string>;
  /** New column names, in file order. */
  names?: string[];
}

/** A row `read_csv(..., store_rejects = true)` could not read. */
export interface CsvReject {
  line: number;
  column: string | null;
  errorType: string;
  message: string;
  csvLine: string;
}

/** CSV options from URL query parameters (`csv:///f.csv?delimiter=;&header=false`). */
export function csvOptionsFromParams(params: Record<string, string>, where: string): CsvOptions {
  const o: CsvOptions = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'delimiter' || k === 'delim') o.delimiter = v;
    else if (k === 'header' || k === 'has_header') o.header = parseBool(v, k, where);
    else if (k === 'quote') o.quote = v;
    else if (k === 'escape') o.escape = v;
    else {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `${where}: unknown CSV option '${k}' (delimiter, header, quote, escape)`,
        {
          input: where,
        },
      );
    }
  }
  return o;
}

function parseBool(v: string, key: string, where: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new PondError(
    ErrorCode.InvalidArgument,
    `${where}: ${key} must be true or false, not '${v}'`,
    { input: where },
  );
}

function optionSql(o: CsvOptions): string {
  const parts: string[] = [];
  if (o.delimiter !== undefined) parts.push(`delim = ${literal(o.delimiter)}`);
  if (o.header !== undefined) parts.push(`header = ${o.header}`);
  if (o.quote !== undefined) parts.push(`quote = ${literal(o.quote)}`);
  if (o.escape !== undefined) parts.push(`escape = ${literal(o.escape)}`);
  if (o.compression !== undefined) parts.push(`compression = ${literal(o.compression)}`);
  if (o.types && Object.keys(o.types).length > 0) {
    parts.push(
      `types = {${Object.entries(o.types)
        .map(([k, t]) => `${literal(k)}: ${literal(t)}`)
        .join(', ')}}`,
    );
  }
  if (o.names && o.names.length > 0) parts.push(`names = [${o.names.map(literal).join(', ')}]`);
  return parts.map((p) => `, ${p}`).join('');
}

/** `read_csv` of a host file as a relation; bad rows are errors. */
export function csvRelation(path: string, o: CsvOptions = {}): string {
  return `SELECT * FROM read_csv(${literal(path)}${optionSql(o)})`;
}

/**
 * Runs `COPY (<select over the CSV>) TO <parquet>` and returns the rows DuckDB could not read.
 * `select` receives the read_csv relation and returns the query to copy (e.g. to cast the
 * timestamp column). The caller decides what rejected rows mean.
 *
 * A strict read comes first: a file without bad rows (the common case) then costs exactly a
 * plain COPY. Only when it fails is the file read again with DuckDB's reject tables, to say
 * which lines are bad and why. With `keepGoing` the reject tables are used from the start and
 * the good rows are written.
 */
export async function copyCsvToParquet(
  session: DuckSession,
  path: string,
  o: CsvOptions,
  target: string,
  select: (csv: string) => string,
  options: { keepGoing?: boolean } = {},
): Promise<{ rejects: CsvReject[]; rejectCount: number }> {
  const copy = (csv: string) =>
    `COPY (${select(csv)}) TO ${literal(target)} (FORMAT parquet, COMPRESSION zstd, USE_TMP_FILE false)`;
  let strictError: unknown;
  if (!options.keepGoing) {
    try {
      await session.run(copy(`SELECT * FROM read_csv(${literal(path)}${optionSql(o)})`));
      return { rejects: [], rejectCount: 0 };
    } catch (e) {
      strictError = e;
    }
  }
  const tag = randomUUID().replaceAll('-', '');
  const rejectsTable = `csv_rejects_${tag}`;
  const scansTable = `csv_scans_${tag}`;
  const csv = `SELECT * FROM read_csv(${literal(path)}${optionSql(o)}, store_rejects = true, rejects_table = ${literal(rejectsTable)}, rejects_scan = ${literal(scansTable)})`;
  const unreadable = (e: unknown) =>
    new PondError(ErrorCode.BadInput, `cannot read ${path} as CSV: ${firstLine(messageOf(e))}`, {
      input: path,
      cause: e,
    });
  try {
    try {
      await session.run(copy(csv));
    } catch (e) {
      throw unreadable(strictError ?? e);
    }
    const count = await session.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM ${ident(rejectsTable)}`,
    );
    const rejectCount = count[0]?.n ?? 0;
    // The strict read failed for a reason that is not a bad row (e.g. a cast in `select`).
    if (strictError !== undefined && rejectCount === 0) throw unreadable(strictError);
    const rejects = await session.all(
      `SELECT line::BIGINT::DOUBLE AS line, column_name, error_type::VARCHAR AS error_type, error_message, csv_line
       FROM ${ident(rejectsTable)} ORDER BY line LIMIT 100`,
    );
    return {
      rejectCount,
      rejects: rejects.map((r) => ({
        line: r['line'] as number,
        column: (r['column_name'] as string | null) ?? null,
        errorType: r['error_type'] as string,
        message: r['error_message'] as string,
        csvLine: r['csv_line'] as string,
      })),
    };
  } finally {
    await session.run(`DROP TABLE IF EXISTS ${ident(rejectsTable)}`).catch(() => undefined);
    await session.run(`DROP TABLE IF EXISTS ${ident(scansTable)}`).catch(() => undefined);
  }
}

/** How rejected rows read in an error message. */
export function describeRejects(path: string, rejects: CsvReject[], total: number): string {
  const lines = rejects
    .slice(0, 10)
    .map(
      (r) =>
        `  line ${r.line}: ${r.errorType.toLowerCase()}${r.column ? ` (column ${r.column})` : ''}: ${firstLine(r.message)}`,
    );
  const more = total > lines.length ? `\n  ... and ${total - lines.length} more` : '';
  return `${path}: ${total} row${total === 1 ? '' : 's'} could not be read:\n${lines.join('\n')}${more}`;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
