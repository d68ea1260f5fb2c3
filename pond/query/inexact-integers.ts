import type { CsvDialect, ImportReject } from '../../shared/import.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident, literal } from '../duckdb/sql.js';
import { NOT_WHOLE, tryTextIntegerSql } from './csv-read.js';
import { REJECTS_SHOWN, type RejectList } from './csv-rejects.js';
import { recordStarts } from './csv-records.js';

/**
 * The rows of a CSV whose integer columns an exact read refuses ('1.5' in a BIGINT column; see
 * csv-read.ts), with their lines. DuckDB's reader cannot say it (its integer reader rounds), so
 * this is a scan of its own, run only once an exact read has failed or for --skip-rejected:
 * DuckDB finds the rows by their place among the rows it reads, and csv-records.ts turns that
 * into the file's line.
 */

/** An integer column read as text. */
export interface TextIntegerColumn {
  /** Its name in the read_csv call. */
  read: string;
  /** Its name in messages (the stored name). */
  column: string;
  type: string;
}

/** How the reject of a value an exact read refuses is named (ImportReject.error). */
export const NOT_WHOLE_ERROR = 'not whole';

/** The condition that every one of `columns` holds a whole number that fits (or NULL). */
export function wholeIntegersSql(columns: TextIntegerColumn[]): string {
  if (columns.length === 0) return 'true';
  return columns.map((c) => `(${bad(c)}) IS NOT TRUE`).join(' AND ');
}

function bad(c: TextIntegerColumn): string {
  const x = ident(c.read);
  return `${x} IS NOT NULL AND ${tryTextIntegerSql(x, c.type)} IS NULL`;
}

/**
 * The rows of `read` (a read_csv call of `file` reading `columns` as text) that hold a value
 * that is not a whole number that fits its column: the first ones with their lines, and the
 * count. `rejectedLines`: lines of rows a reader rejected. By default they are the rows `read`
 * skipped. With `integerReader`, they are the rejects of a read by DuckDB's integer reader (the
 * preview's scan), which also rejects a value that is no number at all ('A17'): such a row is
 * that scan's to list, so here it is neither listed again nor counted among the rows before.
 */
export async function inexactIntegers(
  session: DuckSession,
  file: string,
  dialect: CsvDialect,
  read: string,
  columns: TextIntegerColumn[],
  rejectedLines: ReadonlySet<number> = new Set(),
  options: { integerReader?: boolean } = {},
): Promise<RejectList> {
  if (columns.length === 0) return { rejects: [], count: 0 };
  const readerRejects = (c: TextIntegerColumn) =>
    `${ident(c.read)} IS NOT NULL AND TRY_CAST(${ident(c.read)} AS ${c.type}) IS NULL`;
  // Without rejects, the integer reader read every row: nothing to leave out.
  const adjust = options.integerReader === true && rejectedLines.size > 0;
  // The first column at fault in each row, with its value.
  const fault = `coalesce(${columns
    .map(
      (c) =>
        `CASE WHEN ${bad(c)} THEN {'c': ${literal(c.column)}, 'v': ${ident(c.read)}, 't': ${literal(c.type)}} END`,
    )
    .join(', ')})`;
  const unread = columns.map((c) => `(${readerRejects(c)})`).join(' OR ');
  const scanned = adjust
    ? // The integer reader's place of each row: less the rows it rejected before it.
      `SELECT o - sum(u) OVER (ORDER BY o ROWS UNBOUNDED PRECEDING) AS o,
              CASE WHEN u = 0 THEN f END AS f
       FROM (SELECT ordinality AS o, ${fault} AS f, (${unread})::INTEGER AS u
             FROM ${read} WITH ORDINALITY)`
    : `SELECT ordinality AS o, ${fault} AS f FROM ${read} WITH ORDINALITY`;
  const rows = await session.all<{ o: number; f: { c: string; v: string; t: string }; n: number }>(
    `SELECT o::DOUBLE AS o, f, count(*) OVER ()::DOUBLE AS n
     FROM (${scanned})
     WHERE f IS NOT NULL ORDER BY o LIMIT ${REJECTS_SHOWN}`,
  );
  if (rows.length === 0) return { rejects: [], count: 0 };
  const starts = await recordStarts(
    file,
    dialect,
    rows.map((r) => r.o),
    rejectedLines,
  );
  const rejects: ImportReject[] = rows.map((r, i) => ({
    // Without the file's lines (zstd), DuckDB's way: the records before, with the skipped lines.
    line: starts?.[i]?.line ?? r.o + dialect.skip + (dialect.header ? 1 : 0),
    column: r.f.c,
    error: NOT_WHOLE_ERROR,
    message: `'${r.f.v}' ${NOT_WHOLE} ${r.f.t}`,
    text: starts?.[i]?.text ?? '',
  }));
  return { rejects, count: rows[0]!.n };
}

/** Two lists of rejected rows as one, in the order of their lines. */
export function mergeRejects(a: RejectList, b: RejectList): RejectList {
  const rejects = [...a.rejects, ...b.rejects].sort((x, y) => x.line - y.line);
  return { rejects: rejects.slice(0, REJECTS_SHOWN), count: a.count + b.count };
}
